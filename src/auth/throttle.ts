import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { DB } from "../db/schema.ts";
import { newId } from "./ids.ts";

export interface ThrottleRule {
  /** e.g. `forgot:ip:203.0.113.9` */
  key: string;
  limit: number;
  windowMs: number;
}

type Deps = CoreDeps;

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

/** Records one event under each key, in one statement (one commit); returns the row ids in order. */
export async function recordHits(db: Kysely<DB>, deps: Deps, keys: string[]): Promise<string[]> {
  const at = deps.clock.nowMs();
  const rows = keys.map((key) => ({ id: newId(deps.random), key, at }));
  await db.insertInto("throttle_hits").values(rows).execute();
  return rows.map((row) => row.id);
}

export interface HitWindow {
  key: string;
  /** Events strictly after this instant count. */
  sinceMs: number;
}

export interface HitStats {
  count: number;
  oldestAtMs: number | null;
  newestAtMs: number | null;
}

const NO_HITS: HitStats = { count: 0, oldestAtMs: null, newestAtMs: null };

/** Count, oldest and newest event of each window, in one query (keys must differ). */
export async function hitStats(db: Kysely<DB>, windows: HitWindow[]): Promise<(key: string) => HitStats> {
  const rows = await db
    .selectFrom("throttle_hits")
    .select((eb) => ["key", eb.fn.countAll<number | string>().as("n"), eb.fn.min<number | string>("at").as("oldest"), eb.fn.max<number | string>("at").as("newest")])
    .where((eb) => eb.or(windows.map((w) => eb.and([eb("key", "=", w.key), eb("at", ">", w.sinceMs)]))))
    .groupBy("key")
    .execute();
  const stats = new Map(rows.map((row) => [row.key, { count: Number(row.n), oldestAtMs: row.oldest === null ? null : Number(row.oldest), newestAtMs: row.newest === null ? null : Number(row.newest) }]));
  return (key) => stats.get(key) ?? NO_HITS;
}

/** Forgets the events under `key` that have left a window of `windowMs`. */
export async function pruneHits(db: Kysely<DB>, clock: Clock, key: string, windowMs: number): Promise<void> {
  await db.deleteFrom("throttle_hits").where("key", "=", key).where("at", "<=", clock.nowMs() - windowMs).execute();
}

/**
 * Records an event and counts the window with it in. The insert commits before the count, so of
 * concurrent reservations the k-th to commit sees at least k events: none slips past a limit.
 */
export async function reserve(db: Kysely<DB>, deps: Deps, rule: ThrottleRule, options: { prune: boolean } = { prune: true }): Promise<Reservation> {
  // A reservation that is usually given back (a success) leaves nothing to prune: its caller prunes on failure.
  if (options.prune) await pruneHits(db, deps.clock, rule.key, rule.windowMs);
  const [id] = await recordHits(db, deps, [rule.key]);
  const now = deps.clock.nowMs();
  const stats = (await hitStats(db, [{ key: rule.key, sinceMs: now - rule.windowMs }]))(rule.key);
  return { id: id!, count: stats.count, freesAtMs: (stats.oldestAtMs ?? now) + rule.windowMs };
}

/** Takes an event back: a success is not a failure (an office behind one address is never blocked). */
export async function release(db: Kysely<DB>, reservation: Pick<Reservation, "id">): Promise<void> {
  await releaseHits(db, [reservation.id]);
}

/** Takes events back by id, and forgets every event under `clearKeys`, in one statement. */
export async function releaseHits(db: Kysely<DB>, ids: string[], clearKeys: string[] = []): Promise<void> {
  await db
    .deleteFrom("throttle_hits")
    .where((eb) => eb.or([eb("id", "in", ids), ...(clearKeys.length ? [eb("key", "in", clearKeys)] : [])]))
    .execute();
}

/** Records one event and says whether the rule still allows it; a refused one is taken back (nothing piles up). */
export async function hitThrottle(db: Kysely<DB>, deps: Deps, rule: ThrottleRule): Promise<boolean> {
  const reservation = await reserve(db, deps, rule);
  if (reservation.count <= rule.limit) return true;
  await release(db, reservation);
  return false;
}

/** The longest window any throttle counts (SMS per account: a day); older rows count for nothing. */
export const LONGEST_WINDOW_MS = 24 * 60 * 60_000;

/**
 * Forgets every row past the longest window, whatever its key, so keys never hit again (an address
 * that went away) do not stay forever. Streaks (`…-streak:…`) are consecutive failures with no window:
 * kept until a success or a reset ends them (at most 100 per account). One idempotent delete: every
 * instance may run it on its own schedule.
 */
export async function pruneExpiredHits(db: Kysely<DB>, clock: Clock): Promise<void> {
  await db.deleteFrom("throttle_hits").where("at", "<=", clock.nowMs() - LONGEST_WINDOW_MS).where("key", "not like", "%-streak:%").execute();
}

/** Runs pruneExpiredHits every `intervalMs` (unref'd: it never keeps the process up); returns the stop. */
export function schedulePruning(db: Kysely<DB>, clock: Clock, onError: (error: unknown) => void, intervalMs = 10 * 60_000): () => void {
  const timer = setInterval(() => void pruneExpiredHits(db, clock).catch(onError), intervalMs).unref();
  return () => clearInterval(timer);
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
