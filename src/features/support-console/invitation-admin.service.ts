import type { Kysely, Transaction } from "kysely";
import { recordAuditEvent } from "../../auth/audit.ts";
import { type InvitationDeps, sendInvitationLink } from "../../auth/invitation.ts";
import { release, reserve, type ThrottleRule } from "../../auth/throttle.ts";
import type { DB, User } from "../../db/schema.ts";
import type { AdminChange } from "./user-admin.service.ts";

/**
 * An administrator resends or revokes a pending invitation. Both run in one transaction that first
 * deletes the user's unused invitation links, then changes the user only while they still have no
 * password: the same order acceptInvitation locks in (link, then user), so an acceptance racing
 * either one finishes first (and this changes nothing) or finds its link gone.
 */

/** An invitation goes to the same address at most this often: enough for "it went to spam", not for mail-bombing. */
export const RESEND_LIMIT_PER_HOUR = 3;
const HOUR_MS = 60 * 60_000;
/** An administrator's resends an hour, across invitations (a scripted loop stops here). */
export const RESEND_LIMIT_PER_AGENT_HOUR = 100;

export type ResendResult = { ok: true; user: User } | { ok: false; reason: "not_pending" } | { ok: false; reason: "own_account" } | { ok: false; reason: "limited"; retryInMs: number };
export type RevokeResult = { ok: true; user: User } | { ok: false; reason: "not_pending" | "own_account" };

class NotPending extends Error {}

async function voidLinksOfPendingUser(trx: Transaction<DB>, userId: string): Promise<User> {
  await trx.deleteFrom("one_time_links").where("purpose", "=", "invite").where("user_id", "=", userId).where("used_at", "is", null).execute();
  // A write, so PostgreSQL locks the row (and re-checks the condition after a concurrent acceptance commits).
  const user = await trx.updateTable("users").set({ password_hash: null }).where("id", "=", userId).where("password_hash", "is", null).where("disabled_at", "is", null).returningAll().executeTakeFirst();
  if (!user) throw new NotPending();
  // An older invitation still queued (the mail server was down) would arrive with a dead link: drop it.
  await trx.deleteFrom("outgoing_mail").where("user_id", "=", userId).where("sent_at", "is", null).where("audit_event_id", "is", null).execute();
  return user;
}

async function whilePending<T>(db: Kysely<DB>, work: (trx: Transaction<DB>) => Promise<T>): Promise<T | "not_pending"> {
  try {
    return await db.transaction().execute(work);
  } catch (error) {
    if (error instanceof NotPending) return "not_pending";
    throw error;
  }
}

/** Takes a slot under each rule; when one is full, gives them all back and says when the first frees. */
async function takeResendSlots(db: Kysely<DB>, deps: InvitationDeps, rules: ThrottleRule[]): Promise<number | null> {
  const reservations = [];
  for (const rule of rules) reservations.push({ rule, reservation: await reserve(db, deps, rule) });
  const full = reservations.filter(({ rule, reservation }) => reservation.count > rule.limit);
  if (full.length === 0) return null;
  for (const { reservation } of reservations) await release(db, reservation);
  return Math.max(...full.map(({ reservation }) => reservation.freesAtMs)) - deps.clock.nowMs();
}

/** A new link e-mailed (72 hours, once); every older link of the user stops working. Audited. */
export async function resendInvitation(db: Kysely<DB>, deps: InvitationDeps, change: AdminChange): Promise<ResendResult> {
  if (change.agentId === change.userId) return { ok: false, reason: "own_account" };
  const retryInMs = await takeResendSlots(db, deps, [
    { key: `invite-resend:user:${change.userId}`, limit: RESEND_LIMIT_PER_HOUR, windowMs: HOUR_MS },
    { key: `invite-resend:agent:${change.agentId}`, limit: RESEND_LIMIT_PER_AGENT_HOUR, windowMs: HOUR_MS },
  ]);
  if (retryInMs !== null) return { ok: false, reason: "limited", retryInMs };
  const user = await whilePending(db, async (trx) => {
    const invited = await voidLinksOfPendingUser(trx, change.userId);
    await sendInvitationLink(trx, deps, invited);
    await recordAuditEvent(trx, deps, { type: "invitation.resent", actorUserId: change.agentId, subjectUserId: invited.id, ...change.meta, detail: { via: "console" } });
    return invited;
  });
  return user === "not_pending" ? { ok: false, reason: "not_pending" } : { ok: true, user };
}

/**
 * The link stops working at once and the invited account, never used, is removed (the address can be
 * invited again). The audit event keeps the address, name and role, as no user row does any more.
 */
export async function revokeInvitation(db: Kysely<DB>, deps: InvitationDeps, change: AdminChange): Promise<RevokeResult> {
  if (change.agentId === change.userId) return { ok: false, reason: "own_account" };
  const user = await whilePending(db, async (trx) => {
    const invited = await voidLinksOfPendingUser(trx, change.userId);
    await trx.deleteFrom("users").where("id", "=", invited.id).where("password_hash", "is", null).execute();
    const detail = { via: "console", email: invited.email, name: invited.display_name, role: invited.role };
    await recordAuditEvent(trx, deps, { type: "invitation.revoked", actorUserId: change.agentId, subjectUserId: invited.id, ...change.meta, detail });
    return invited;
  });
  return user === "not_pending" ? { ok: false, reason: "not_pending" } : { ok: true, user };
}
