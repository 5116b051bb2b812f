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

/**
 * Counted events in the database, so every instance sees the same counts. `hit` records one event
 * and says whether the rule still allows it (the event over the limit is recorded too, so hammering
 * keeps the window full).
 */
export async function hitThrottle(db: Kysely<DB>, deps: { clock: Clock; random: RandomSource }, rule: ThrottleRule): Promise<boolean> {
  const now = deps.clock.nowMs();
  await db.deleteFrom("throttle_hits").where("key", "=", rule.key).where("at", "<=", now - rule.windowMs).execute();
  await db.insertInto("throttle_hits").values({ id: newId(deps.random), key: rule.key, at: now }).execute();
  const row = await db
    .selectFrom("throttle_hits")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where("key", "=", rule.key)
    .where("at", ">", now - rule.windowMs)
    .executeTakeFirstOrThrow();
  return Number(row.n) <= rule.limit;
}
