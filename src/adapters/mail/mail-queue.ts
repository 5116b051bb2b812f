import type { Kysely } from "kysely";
import type { Clock } from "../../clock.ts";
import type { DB, OutgoingMail } from "../../db/schema.ts";
import type { Mailer } from "../../auth/mailer.port.ts";

export const MAX_MAIL_ATTEMPTS = 10;
/** While one instance sends a message, the others leave it alone for this long. */
const CLAIM_LEASE_MS = 5 * 60_000;
/** Form posts within this long share one look at the queue (not one query per post: bench/README.md). */
export const KICK_DELAY_MS = 200;
/** Messages read at a time. A full batch is followed by the next one at once, so thousands queued together (a user import) go out in one run. */
const DELIVERY_BATCH_SIZE = 50;

export function retryDelayMs(attempts: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempts - 1), 60 * 60_000); // 1, 2, 4 … minutes, at most an hour
}

/** What the queue reads of an audit event to have its notice written. */
export interface NoticeFacts {
  type: string;
  atMs: number;
  ip: string | null;
  userAgent: string | null;
  displayName: string;
  /** The zone the user chose on "Profile" for the notice's time; null or absent: UTC. */
  timeZone?: string | null;
  /** Who made the change, when it was someone else (a support agent): their display name. */
  actorName?: string | null;
  /** The audit event's non-secret detail (e.g. how a support agent checked identity). */
  detail?: Record<string, unknown> | null;
}

export interface MailQueueOptions {
  db: Kysely<DB>;
  mailer: Mailer;
  clock: Clock;
  /** Writes the e-mail for a security event (the texts live outside the adapters: src/notifications). */
  composeNotice: (facts: NoticeFacts) => { subject: string; text: string };
  /** Writes the HTML alternative of a message from its text, at send time (so only the text is stored); none: text only. */
  composeHtml?: (mail: { subject: string; text: string }) => string;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  /** How long kick() waits so that the posts of one moment share one look (default KICK_DELAY_MS; 0: at once). */
  kickDelayMs?: number;
  /** Told of each delivery attempt (for /metrics); "abandoned" is a failure that will not be retried. */
  onDelivery?: (outcome: "sent" | "failed" | "abandoned") => void;
}

export interface MailQueue {
  /** Sends every message that is due; returns how many were sent. */
  deliverDue(): Promise<number>;
  /** Starts a delivery within KICK_DELAY_MS, without waiting for it (after a request has committed its mail). */
  kick(): void;
  /** Resolves once no delivery is running (tests and shutdown). */
  idle(): Promise<void>;
  start(intervalMs?: number): void;
  stop(): Promise<void>;
}

export function createMailQueue(o: MailQueueOptions): MailQueue {
  let running: Promise<number> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;
  let kickTimer: NodeJS.Timeout | null = null;
  let stopping = false;
  const kickDelayMs = o.kickDelayMs ?? KICK_DELAY_MS;

  async function compose(mail: OutgoingMail): Promise<{ to: string; subject: string; text: string } | null> {
    if (!mail.audit_event_id) return mail.to_address && mail.subject && mail.body !== null ? { to: mail.to_address, subject: mail.subject, text: mail.body } : null;
    const row = await o.db
      .selectFrom("audit_events")
      .innerJoin("users", "users.id", "audit_events.subject_user_id")
      .leftJoin("users as actors", (join) => join.onRef("actors.id", "=", "audit_events.actor_user_id").onRef("actors.id", "!=", "audit_events.subject_user_id"))
      .select(["audit_events.type", "audit_events.at", "audit_events.ip", "audit_events.user_agent", "audit_events.detail", "users.email", "users.display_name", "users.time_zone", "actors.display_name as actor_name"])
      .where("audit_events.id", "=", mail.audit_event_id)
      .executeTakeFirst();
    if (!row) return null;
    const detail = row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null;
    const notice = o.composeNotice({ type: row.type, atMs: row.at, ip: row.ip, userAgent: row.user_agent, displayName: row.display_name, timeZone: row.time_zone, actorName: row.actor_name, detail });
    return { to: row.email, ...notice };
  }

  async function deliverOne(mail: OutgoingMail, now: number): Promise<boolean> {
    // Claim it (compare-and-set), so two instances never send the same message.
    const claimed = await o.db
      .updateTable("outgoing_mail")
      .set({ attempts: mail.attempts + 1, next_attempt_at: now + CLAIM_LEASE_MS })
      .where("id", "=", mail.id)
      .where("sent_at", "is", null)
      .where("attempts", "=", mail.attempts)
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return false;
    const message = await compose(mail);
    if (!message) {
      await o.db.updateTable("outgoing_mail").set({ sent_at: now, body: null, last_error: "nothing to send" }).where("id", "=", mail.id).execute();
      return false;
    }
    try {
      await o.mailer.send(o.composeHtml ? { ...message, html: o.composeHtml(message) } : message);
      await o.db.updateTable("outgoing_mail").set({ sent_at: o.clock.nowMs(), body: null, last_error: null }).where("id", "=", mail.id).execute();
      o.onDelivery?.("sent");
      return true;
    } catch (error) {
      const attempts = mail.attempts + 1;
      const reason = error instanceof Error ? error.message : String(error);
      const giveUp = attempts >= MAX_MAIL_ATTEMPTS;
      // Bookkeeping first, so a failing logger or listener cannot leave the row unmarked. An abandoned
      // mail loses its body: a reset or invitation link must not wait in the database unsent.
      await o.db
        .updateTable("outgoing_mail")
        .set(giveUp ? { last_error: reason.slice(0, 500), next_attempt_at: Number.MAX_SAFE_INTEGER, body: null } : { last_error: reason.slice(0, 500), next_attempt_at: o.clock.nowMs() + retryDelayMs(attempts) })
        .where("id", "=", mail.id)
        .execute();
      o.onDelivery?.(giveUp ? "abandoned" : "failed");
      // Called as methods: pino's need their `this`.
      if (giveUp) o.log.error({ mailId: mail.id, attempts, reason }, "mail delivery abandoned");
      else o.log.warn({ mailId: mail.id, attempts, reason }, "mail delivery failed; will retry");
      return false;
    }
  }

  async function deliverDue(): Promise<number> {
    let sent = 0;
    // Ends: every message read is claimed (here or elsewhere), sent, or put off, so none is read twice.
    for (;;) {
      const now = o.clock.nowMs();
      const due = await o.db.selectFrom("outgoing_mail").selectAll().where("sent_at", "is", null).where("next_attempt_at", "<=", now).orderBy("created_at").limit(DELIVERY_BATCH_SIZE).execute();
      for (const mail of due) if (await deliverOne(mail, now)) sent += 1;
      if (due.length < DELIVERY_BATCH_SIZE || stopping) return sent;
    }
  }

  function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = deliverDue()
      .catch((error: unknown) => {
        o.log.error({ reason: error instanceof Error ? error.message : String(error) }, "mail queue failed");
        return 0;
      })
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          void run();
        }
      });
    return running;
  }

  return {
    deliverDue: run,
    kick() {
      if (kickDelayMs === 0) return void run();
      kickTimer ??= setTimeout(() => {
        kickTimer = null;
        void run();
      }, kickDelayMs);
    },
    async idle() {
      while (running) await running;
    },
    start(intervalMs = 30_000) {
      timer ??= setInterval(() => void run(), intervalMs).unref();
    },
    async stop() {
      stopping = true; // a long run ends after its current batch
      if (timer) clearInterval(timer);
      if (kickTimer) clearTimeout(kickTimer);
      timer = kickTimer = null;
      while (running) await running;
    },
  };
}
