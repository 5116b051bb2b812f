import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { RandomSource } from "../crypto/random.ts";
import { precompiled } from "../db/precompiled.ts";
import type { AuditEvent, DB } from "../db/schema.ts";
import { newId } from "./ids.ts";

export type AuditEventType =
  | "user.created"
  | "user.password_set"
  | "invitation.resent"
  | "invitation.revoked"
  | "signin.password_succeeded"
  | "signin.password_failed"
  | "signin.refused_disabled"
  | "signin.completed"
  | "signin.second_factor_failed"
  | "two_factor.setup"
  | "two_factor.key_replaced"
  | "two_factor.phone_changed"
  | "two_factor.switched"
  | "two_factor.step_up"
  | "two_factor.step_up_failed"
  | "two_factor.reset_requested"
  | "two_factor.reset"
  | "two_factor.reset_failed"
  | "two_factor.support_reset"
  | "user.disabled"
  | "user.enabled"
  | "user.role_changed"
  | "password.reset_requested"
  | "password.reset"
  | "password.changed"
  | "password.change_failed"
  | "profile.name_changed"
  | "user.email_changed"
  | "account.locked"
  | "two_factor.locked"
  | "fallback.added"
  | "fallback.changed"
  | "fallback.removed"
  | "session.revoked"
  | "session.revoked_others"
  | "signout"
  | "app.created"
  | "app.updated"
  | "app.removed"
  | "app.secret_replaced"
  | "app.signed_in"
  | "app.reauthentication_requested"
  | "recovery_codes.created"
  | "recovery_code.used"
  | "remembered_browser.added"
  | "remembered_browser.forgotten"
  | "passkey.added"
  | "passkey.removed"
  | "passkey.counter_rejected";

export interface AuditInput {
  type: AuditEventType;
  actorUserId: string | null;
  subjectUserId: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Non-secret facts only: never a password, code, token or full phone number. */
  detail?: Record<string, string | number | boolean | null>;
}

/** Events the user is e-mailed about: any change to how they sign in (and who made it). */
export const NOTIFIED_EVENTS: ReadonlySet<AuditEventType> = new Set<AuditEventType>([
  "two_factor.setup",
  "two_factor.key_replaced",
  "two_factor.phone_changed",
  "two_factor.switched",
  "two_factor.reset",
  "two_factor.support_reset",
  "fallback.added",
  "fallback.changed",
  "fallback.removed",
  "password.reset",
  "password.changed",
  "account.locked",
  "two_factor.locked",
  "user.email_changed",
  "recovery_codes.created",
  "recovery_code.used",
  "passkey.added",
  "passkey.removed",
  "passkey.counter_rejected",
]);

/** Told of each event once it is written (e.g. to count it for /metrics); must not throw. */
export type AuditListener = (event: Pick<AuditInput, "type" | "detail">) => void;

/**
 * `auditListener` rides along on the deps object callers pass through (the HTTP layer's AppDeps
 * carries it), so the domain reports events without knowing who listens; a caller that builds a
 * fresh `{ clock, random }` drops it. An event written in a transaction that later rolls back is
 * still reported, so counts may run slightly high.
 */
export type AuditDeps = CoreDeps;

/**
 * Writes the event and, for the ones in NOTIFIED_EVENTS, queues the e-mail to its subject in the same
 * transaction: the mail queue delivers it afterwards and retries, so the flow never waits on SMTP.
 */
export async function recordAuditEvent(db: Kysely<DB>, deps: AuditDeps, input: AuditInput): Promise<void> {
  const at = deps.clock.nowMs();
  const id = auditEventId(deps.random, at);
  await db
    .insertInto("audit_events")
    .values({
      id,
      at,
      type: input.type,
      actor_user_id: input.actorUserId,
      subject_user_id: input.subjectUserId,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 512) ?? null,
      detail: input.detail ? JSON.stringify(input.detail) : null,
    })
    .execute();
  if (input.subjectUserId && NOTIFIED_EVENTS.has(input.type)) {
    await db
      .insertInto("outgoing_mail")
      .values({ id: newId(deps.random), user_id: input.subjectUserId, audit_event_id: id, to_address: null, subject: null, body: null, created_at: at, attempts: 0, next_attempt_at: at, sent_at: null, last_error: null })
      .execute();
  }
  deps.auditListener?.({ type: input.type, detail: input.detail });
}

/** Newest first; events of the same millisecond (one transaction writes several) by their ids, see auditEventId. */
const lastTenEvents = precompiled(["user"], (db, p) => db.selectFrom("audit_events").selectAll().where("subject_user_id", "=", p.user).orderBy("at", "desc").orderBy("id", "desc").limit(10));

/** The user's ten latest events, newest first (the dashboard's on every load: built once, src/db/precompiled.ts). */
export function listAuditEventsFor(db: Kysely<DB>, subjectUserId: string): Promise<AuditEvent[]> {
  return lastTenEvents(db, { user: subjectUserId });
}

let lastIdAt = -1;
let sequenceInMs = 0;

/**
 * An id (32 hex digits, like newId) that sorts in the order this process wrote its events: the time
 * (12 hex digits), a sequence within the millisecond (4), then 64 random bits for uniqueness across
 * instances. Events of one transaction share a millisecond; without this their order would be lost.
 */
export function auditEventId(random: RandomSource, at: number): string {
  sequenceInMs = at === lastIdAt ? Math.min(sequenceInMs + 1, 0xffff) : 0;
  lastIdAt = at;
  return `${at.toString(16).padStart(12, "0")}${sequenceInMs.toString(16).padStart(4, "0")}${random.bytes(8).toString("hex")}`;
}
