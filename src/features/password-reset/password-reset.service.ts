import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import type { Clock } from "../../clock.ts";
import type { DB, OneTimeLink } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { clearPasswordFailures } from "../../auth/lockout.ts";
import { createOneTimeLink, deleteUnusedLinks, inspectOneTimeLink } from "../../auth/one-time-link.ts";
import { queueMail } from "../../auth/outgoing-mail.ts";
import { deleteUserSessions, limitGroupKey, type SessionMeta } from "../../auth/session.ts";
import { forgetRememberedBrowsers } from "../../auth/remembered-browsers.ts";
import { hitThrottle } from "../../auth/throttle.ts";
import { findUserByEmail } from "../../auth/user.ts";
import { PASSWORD_RESET_MESSAGES as M } from "./password-reset.messages.ts";

// OWASP Forgot Password Cheat Sheet: a single-use, short-lived, random link; the same answer for every
// address; and (Copenhagen Book) the second factor before the new password.
export const PASSWORD_RESET_TTL_MS = 30 * 60_000;
export const FORGOT_PER_ADDRESS = { limit: 3, windowMs: 60 * 60_000 };
export const FORGOT_PER_IP = { limit: 20, windowMs: 60 * 60_000 };

type Deps = CoreDeps;

/**
 * Queues the e-mail with a one-time link when the address belongs to an active account. Returns
 * nothing the caller could tell apart: the page answers the same for every address.
 */
export async function requestPasswordReset(db: Kysely<DB>, deps: Deps & { publicUrl: URL; portalName: string }, email: string, meta: SessionMeta): Promise<void> {
  const address = email.trim().toLowerCase();
  // An address over its limit writes nothing more (not even the e-mail's count).
  if (!(await hitThrottle(db, deps, { key: `forgot:ip:${limitGroupKey(meta)}`, ...FORGOT_PER_IP }))) return;
  if (!(await hitThrottle(db, deps, { key: `forgot:email:${address}`, ...FORGOT_PER_ADDRESS }))) return;
  const user = await findUserByEmail(db, address);
  if (!user || user.disabled_at !== null || user.password_hash === null) return;
  await db.transaction().execute(async (trx) => {
    const token = await createOneTimeLink(trx, deps, "password_reset", user.id, PASSWORD_RESET_TTL_MS);
    const link = new URL(`/reset-password/${token}`, deps.publicUrl).href;
    await queueMail(trx, deps, {
      userId: user.id,
      to: user.email,
      subject: M.mailSubject(deps.portalName),
      body: M.mailBody(user.display_name, link),
    });
    await recordAuditEvent(trx, deps, { type: "password.reset_requested", actorUserId: null, subjectUserId: user.id, ip: meta.ip, userAgent: meta.userAgent });
  });
}

export async function findResetLink(db: Kysely<DB>, clock: Clock, token: string): Promise<OneTimeLink | null> {
  const state = await inspectOneTimeLink(db, clock, token, "password_reset");
  return state.state === "valid" ? state.link : null;
}

/** Ties the link to the recovery session that will prove the second factor (until that is done). */
export async function bindRecoverySession(db: Kysely<DB>, link: OneTimeLink, sessionId: string): Promise<boolean> {
  const result = await db
    .updateTable("one_time_links")
    .set({ session_id: sessionId })
    .where("id", "=", link.id)
    .where("used_at", "is", null)
    .where("factor_verified_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 || link.session_id === sessionId;
}

/**
 * The session that just proved the second factor takes the link (compare-and-set): a wrong code
 * changes nothing about the link, and of two sessions proving it at once exactly one wins.
 */
export async function markResetFactorVerified(db: Kysely<DB>, link: OneTimeLink, sessionId: string, nowMs: number): Promise<boolean> {
  const result = await db
    .updateTable("one_time_links")
    .set({ session_id: sessionId, factor_verified_at: nowMs })
    .where("id", "=", link.id)
    .where("used_at", "is", null)
    .where("factor_verified_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * The new password, in one transaction: use the link (compare-and-set), store the hash, drop the
 * user's other reset links, end every session of the user (the recovery one too: the link never
 * signs anyone in), record the event.
 */
export async function completePasswordReset(db: Kysely<DB>, deps: Deps, input: { link: OneTimeLink; sessionId: string; factorRequired: boolean; passwordHash: string; meta: SessionMeta }): Promise<boolean> {
  const { link } = input;
  if (!link.user_id) return false;
  const userId = link.user_id;
  const now = deps.clock.nowMs();
  return db.transaction().execute(async (trx) => {
    let use = trx.updateTable("one_time_links").set({ used_at: now }).where("id", "=", link.id).where("used_at", "is", null).where("expires_at", ">", now).where("session_id", "=", input.sessionId);
    if (input.factorRequired) use = use.where("factor_verified_at", "is not", null);
    if (Number((await use.executeTakeFirst()).numUpdatedRows) !== 1) return false;
    await trx.updateTable("users").set({ password_hash: input.passwordHash }).where("id", "=", userId).execute();
    // Links from earlier requests die with it: an older e-mail must not change the password again.
    await deleteUnusedLinks(trx, "password_reset", userId);
    await clearPasswordFailures(trx, userId);
    await deleteUserSessions(trx, userId);
    await forgetRememberedBrowsers(trx, userId);
    await recordAuditEvent(trx, deps, { type: "password.reset", actorUserId: userId, subjectUserId: userId, ip: input.meta.ip, userAgent: input.meta.userAgent });
    return true;
  });
}
