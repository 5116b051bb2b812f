import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import { sha256Hex } from "../crypto/hash.ts";
import { generateToken } from "../crypto/random.ts";
import type { DB, LinkPurpose, OneTimeLink } from "../db/schema.ts";

export const INVITE_TTL_MS = 72 * 60 * 60_000;
export const FIRST_ADMIN_TTL_MS = 72 * 60 * 60_000;

export type LinkState = { state: "valid"; link: OneTimeLink } | { state: "used" | "expired" | "unknown" };

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** A single-use link token: 256 random bits, only the SHA-256 stored. */
export async function createOneTimeLink(
  db: Kysely<DB>,
  deps: CoreDeps,
  purpose: LinkPurpose,
  userId: string | null,
  ttlMs: number,
): Promise<string> {
  const token = generateToken(deps.random, 32);
  const now = deps.clock.nowMs();
  await db
    .insertInto("one_time_links")
    .values({ id: sha256Hex(token), purpose, user_id: userId, created_at: now, expires_at: now + ttlMs, used_at: null, session_id: null, factor_verified_at: null })
    .execute();
  return token;
}

/** Looks at a link without using it (to show the right page). */
export async function inspectOneTimeLink(db: Kysely<DB>, clock: Clock, token: string, purpose: LinkPurpose): Promise<LinkState> {
  if (!TOKEN_PATTERN.test(token)) return { state: "unknown" };
  const link = await db
    .selectFrom("one_time_links")
    .selectAll()
    .where("id", "=", sha256Hex(token))
    .where("purpose", "=", purpose)
    .executeTakeFirst();
  if (!link) return { state: "unknown" };
  if (link.used_at !== null) return { state: "used" };
  if (clock.nowMs() >= link.expires_at) return { state: "expired" };
  return { state: "valid", link };
}

/**
 * Marks the link used with a compare-and-set: of concurrent uses exactly one succeeds. Run it inside
 * the transaction that does what the link allows, so a failure there leaves the link unused.
 */
export async function consumeOneTimeLink(db: Kysely<DB>, clock: Clock, token: string, purpose: LinkPurpose): Promise<OneTimeLink | null> {
  const state = await inspectOneTimeLink(db, clock, token, purpose);
  if (state.state !== "valid") return null;
  const now = clock.nowMs();
  const result = await db
    .updateTable("one_time_links")
    .set({ used_at: now })
    .where("id", "=", state.link.id)
    .where("used_at", "is", null)
    .where("expires_at", ">", now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? { ...state.link, used_at: now } : null;
}

export async function deleteUnusedLinks(db: Kysely<DB>, purpose: LinkPurpose, userId: string | null): Promise<void> {
  let query = db.deleteFrom("one_time_links").where("purpose", "=", purpose).where("used_at", "is", null);
  query = userId === null ? query.where("user_id", "is", null) : query.where("user_id", "=", userId);
  await query.execute();
}
