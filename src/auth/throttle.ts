import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { DB } from "../db/schema.ts";
import { newId } from "./ids.ts";

export interface ThrottleRule {
  /** e.g. `forgot:ip:203.0.113.9` */
  key: string;
  limit: number;
  windowMs: number;
}

type Deps = { clock: Clock; random: RandomSource };

/**
 * Counted events live in the database, so every instance sees the same counts. Each statement
 * commits on its own: the k-th event to be recorded sees at least k events when it counts, so
 * concurrent requests cannot slip past a limit together.
 */
export interface Reservation {
  id: string;
  /** Events under this key in the window, this one included. */
  count: number;
  /** When the oldest counted event leaves the window (for "try again in …"). */
  freesAtMs: number;
}

export async function reserve(db: Kysely<DB>, deps: Deps, rule: ThrottleRule): Promise<Reservation> {
  const now = deps.clock.nowMs();
  const id = newId(deps.random);
  await db.deleteFrom("throttle_hits").where("key", "=", rule.key).where("at", "<=", now - rule.windowMs).execute();
  await db.insertInto("throttle_hits").values({ id, key: rule.key, at: now }).execute();
  const row = await db
    .selectFrom("throttle_hits")
    .select((eb) => [eb.fn.countAll<number | string>().as("n"), eb.fn.min<number | string>("at").as("oldest")])
    .where("key", "=", rule.key)
    .where("at", ">", now - rule.windowMs)
    .executeTakeFirstOrThrow();
  return { id, count: Number(row.n), freesAtMs: Number(row.oldest ?? now) + rule.windowMs };
}

export async function countHits(db: Kysely<DB>, key: string, sinceMs = 0): Promise<number> {
  const row = await db.selectFrom("throttle_hits").select((eb) => eb.fn.countAll<number | string>().as("n")).where("key", "=", key).where("at", ">", sinceMs).executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The oldest event under `key` since `sinceMs` (identifies one run of failures). */
export async function oldestHitAt(db: Kysely<DB>, key: string, sinceMs: number): Promise<number | null> {
  const row = await db.selectFrom("throttle_hits").select((eb) => eb.fn.min<number | string>("at").as("at")).where("key", "=", key).where("at", ">", sinceMs).executeTakeFirst();
  return row?.at === null || row?.at === undefined ? null : Number(row.at);
}

/** Takes an event back: a success is not a failure (an office behind one address is never blocked). */
export async function release(db: Kysely<DB>, reservation: Reservation): Promise<void> {
  await db.deleteFrom("throttle_hits").where("id", "=", reservation.id).execute();
}

/** Records one event and says whether the rule still allows it. */
export async function hitThrottle(db: Kysely<DB>, deps: Deps, rule: ThrottleRule): Promise<boolean> {
  return (await reserve(db, deps, rule)).count <= rule.limit;
}

/** The end of the newest lock recorded under `key`, if it is still in force. */
export async function lockedUntil(db: Kysely<DB>, clock: Clock, key: string, lockMs: number): Promise<number | null> {
  const now = clock.nowMs();
  const row = await db.selectFrom("throttle_hits").select((eb) => eb.fn.max<number | string>("at").as("at")).where("key", "=", key).where("at", ">", now - lockMs).executeTakeFirst();
  return row?.at !== null && row?.at !== undefined ? Number(row.at) + lockMs : null;
}

/**
 * Records a lock once per `runId` (compare-and-set on the row id): of concurrent failures that all see
 * the limit reached, exactly one locks and returns true (and so exactly one e-mail goes out).
 */
export async function lockOnce(db: Kysely<DB>, clock: Clock, key: string, runId: string): Promise<boolean> {
  const result = await db
    .insertInto("throttle_hits")
    .values({ id: `${key}@${runId}`, key, at: clock.nowMs() })
    .onConflict((oc) => oc.column("id").doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) === 1;
}

export async function clearKey(db: Kysely<DB>, key: string): Promise<void> {
  await db.deleteFrom("throttle_hits").where("key", "=", key).execute();
}
