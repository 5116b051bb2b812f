import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import { constantTimeEqual } from "../crypto/compare.ts";
import { sha256Hex } from "../crypto/hash.ts";
import { generateToken } from "../crypto/random.ts";
import type { DB } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { normalizeEmail } from "./email.ts";
import type { CoreDeps } from "./deps.ts";
import { isId, newId } from "./ids.ts";
import type { SessionMeta } from "./session.ts";

export const DAY_MS = 24 * 60 * 60_000;

/**
 * "Remember this browser": a cookie `<id>.<secret>` (128-bit id, 256-bit secret); the database keeps
 * only the SHA-256 of the secret, bound to one user, with an absolute expiry. From it the password
 * alone completes sign-in (NIST SP 800-63B-4 §2.2.3 allows a remembered device to stand in for the
 * second factor at reauthentication; the session then records method "remembered", not a fresh proof).
 */
export async function rememberBrowser(db: Kysely<DB>, deps: CoreDeps, input: { userId: string; days: number; meta: SessionMeta }): Promise<{ cookieValue: string; maxAgeSeconds: number }> {
  const id = newId(deps.random);
  const secret = generateToken(deps.random, 32);
  const now = deps.clock.nowMs();
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto("remembered_browsers")
      .values({ id, user_id: input.userId, secret_hash: sha256Hex(secret), created_at: now, last_used_at: now, expires_at: now + input.days * DAY_MS, ip: input.meta.ip, user_agent: input.meta.userAgent?.slice(0, 512) ?? null })
      .execute();
    await recordAuditEvent(trx, deps, { type: "remembered_browser.added", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta, detail: { days: input.days } });
  });
  return { cookieValue: `${id}.${secret}`, maxAgeSeconds: input.days * 24 * 60 * 60 };
}

function parseCookie(value: string | undefined): { id: string; secret: string } | null {
  if (!value || value.length > 100) return null;
  const [id, secret, ...rest] = value.split(".");
  if (rest.length > 0 || !id || !isId(id) || !secret || !/^[A-Za-z0-9_-]{43}$/.test(secret)) return null;
  return { id, secret };
}

/** The live remembered browser a cookie names (secret compared in constant time), with its user's e-mail; or null. */
async function liveRememberedBrowser(db: Kysely<DB>, clock: Clock, cookieValue: string | undefined) {
  const parsed = parseCookie(cookieValue);
  if (!parsed) return null;
  const row = await db
    .selectFrom("remembered_browsers")
    .innerJoin("users", "users.id", "remembered_browsers.user_id")
    .select(["remembered_browsers.id", "remembered_browsers.user_id", "remembered_browsers.secret_hash", "users.email_normalized"])
    .where("remembered_browsers.id", "=", parsed.id)
    .where("remembered_browsers.expires_at", ">", clock.nowMs())
    .executeTakeFirst();
  return row && constantTimeEqual(sha256Hex(parsed.secret), row.secret_hash) ? row : null;
}

/** Whether the cookie is a live remembered browser of this very user; its last use is recorded. */
export async function checkRememberedBrowser(db: Kysely<DB>, clock: Clock, cookieValue: string | undefined, userId: string): Promise<boolean> {
  const browser = await liveRememberedBrowser(db, clock, cookieValue);
  if (browser?.user_id !== userId) return false;
  await db.updateTable("remembered_browsers").set({ last_used_at: clock.nowMs() }).where("id", "=", browser.id).execute();
  return true;
}

/**
 * Whether a sign-in comes from a live remembered browser of the account its e-mail names, before the
 * password is checked: such a sign-in waits in argon2id's "known" lane (src/auth/hash-queue.ts), ahead of
 * a flood of strangers (issue 19). The answer is the lane's flow, one per remembered browser, so a stolen
 * cookie replayed from many addresses still waits behind itself. Nothing is written: the password decides.
 */
export async function knownBrowserFlow(db: Kysely<DB>, clock: Clock, cookieValue: string | undefined, email: string): Promise<string | null> {
  const browser = await liveRememberedBrowser(db, clock, cookieValue);
  return browser?.email_normalized === normalizeEmail(email) ? `browser:${browser.id}` : null;
}

/**
 * Every remembered browser of the user is forgotten: called in the same transaction as each change
 * that must end trust (a factor change or reset, a password change or reset, disabling the account).
 */
export async function forgetRememberedBrowsers(trx: Kysely<DB>, userId: string): Promise<void> {
  await trx.deleteFrom("remembered_browsers").where("user_id", "=", userId).execute();
}

export interface RememberedBrowserView {
  id: string;
  createdAtMs: number;
  lastUsedAtMs: number;
  expiresAtMs: number;
  userAgent: string | null;
  ip: string | null;
}

export async function listRememberedBrowsers(db: Kysely<DB>, clock: Clock, userId: string): Promise<RememberedBrowserView[]> {
  const rows = await db.selectFrom("remembered_browsers").selectAll().where("user_id", "=", userId).where("expires_at", ">", clock.nowMs()).orderBy("last_used_at", "desc").execute();
  return rows.map((row) => ({ id: row.id, createdAtMs: row.created_at, lastUsedAtMs: row.last_used_at, expiresAtMs: row.expires_at, userAgent: row.user_agent, ip: row.ip }));
}

/** "Forget" one of the user's own browsers; another user's id matches nothing (false). */
export async function forgetRememberedBrowser(db: Kysely<DB>, deps: CoreDeps, input: { userId: string; id: string; meta: SessionMeta }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx.deleteFrom("remembered_browsers").where("id", "=", input.id).where("user_id", "=", input.userId).executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) return false;
    await recordAuditEvent(trx, deps, { type: "remembered_browser.forgotten", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta });
    return true;
  });
}
