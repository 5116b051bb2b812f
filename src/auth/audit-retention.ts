import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { DB } from "../db/schema.ts";

export const DAY_MS = 24 * 60 * 60_000;
/** Rows per DELETE: each statement is short, so it never holds a lock for long (SQLite has one writer). */
export const PURGE_BATCH_SIZE = 1_000;
/** The first purge runs this long after start (out of the start-up's way), then every day. */
export const FIRST_PURGE_DELAY_MS = 1_000;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Deletes the audit events older than `retentionDays` (by the injected clock), `batchSize` rows a
 * statement, the oldest first, yielding to the event loop between statements so requests are served
 * meanwhile. Safe on several instances at once: a batch another instance deleted first deletes
 * nothing here. Stops between batches when `shouldStop` says so; returns how many it deleted.
 */
export async function purgeExpiredAuditEvents(db: Kysely<DB>, clock: Clock, retentionDays: number, options: { batchSize?: number; shouldStop?: () => boolean } = {}): Promise<number> {
  const batchSize = options.batchSize ?? PURGE_BATCH_SIZE;
  const cutoffMs = clock.nowMs() - retentionDays * DAY_MS;
  let purged = 0;
  for (;;) {
    const result = await db
      .deleteFrom("audit_events")
      .where("id", "in", (eb) => eb.selectFrom("audit_events").select("id").where("at", "<", cutoffMs).orderBy("at").orderBy("id").limit(batchSize))
      .executeTakeFirst();
    const deleted = Number(result.numDeletedRows);
    purged += deleted;
    if (deleted < batchSize || options.shouldStop?.()) return purged;
    await nextTurn();
  }
}

export interface RetentionJob {
  /** Cancels the next runs and waits for a running purge to stop after its current batch. */
  stop(): Promise<void>;
}

export interface RetentionOptions {
  db: Kysely<DB>;
  clock: Clock;
  /** AUDIT_RETENTION_DAYS, at least 1 (0, keep forever, schedules nothing: the caller's choice). */
  retentionDays: number;
  onPurged: (purged: number) => void;
  onError: (error: unknown) => void;
  firstDelayMs?: number;
  intervalMs?: number;
}

/** Purges expired audit events shortly after start, then once a day, until stopped (timers do not keep the process alive). */
export function scheduleAuditRetention(o: RetentionOptions): RetentionJob {
  let stopping = false;
  let running: Promise<void> | null = null;
  const run = () => {
    if (running || stopping) return;
    // Done before the listener hears of it, so a run it prompts is not taken for this one.
    const done = () => {
      running = null;
    };
    running = purgeExpiredAuditEvents(o.db, o.clock, o.retentionDays, { shouldStop: () => stopping }).then(
      (purged) => (done(), o.onPurged(purged)),
      (error: unknown) => (done(), o.onError(error)),
    );
  };
  const first = setTimeout(run, o.firstDelayMs ?? FIRST_PURGE_DELAY_MS).unref();
  const daily = setInterval(run, o.intervalMs ?? DAY_MS).unref();
  return {
    async stop() {
      stopping = true;
      clearTimeout(first);
      clearInterval(daily);
      await running;
    },
  };
}
