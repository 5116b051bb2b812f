import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { DB, Role, User } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { createOneTimeLink, INVITE_TTL_MS } from "./one-time-link.ts";
import { deleteUserSessions, type SessionMeta } from "./session.ts";
import { type CreateUserError, findUserByEmail, insertUser, prepareUser } from "./user.ts";

/** What support agents and administrators may do to other accounts, and the audited changes themselves. */

type Deps = { clock: Clock; random: RandomSource };

/** Who is acting in the console. */
export type Agent = Pick<User, "id" | "role">;

export function isStaffRole(role: Role): boolean {
  return role === "support" || role === "admin";
}

export type ResetRefusal = "own_account" | "outranked";

/**
 * Whether `agent` may reset `target`'s two-factor in the console. Never their own (that bypasses the
 * proof their own factor gives: they use "Manage Two-Factor"); support never resets an administrator.
 */
export function supportResetRefusal(agent: Agent, target: Pick<User, "id" | "role">): ResetRefusal | null {
  if (!isStaffRole(agent.role)) throw new TypeError("only support agents and administrators reset two-factor");
  if (agent.id === target.id) return "own_account";
  if (target.role === "admin" && agent.role !== "admin") return "outranked";
  return null;
}

export interface AdminChange {
  agentId: string;
  userId: string;
  meta: SessionMeta;
}

/** The outcome of an administrator's change: done, nothing to do, or refused to avoid a lock-out. */
export type ChangeResult = "changed" | "unchanged" | "own_account";

/** Disabling ends every session of the user at once; they cannot sign in until enabled. */
export async function setUserDisabled(db: Kysely<DB>, deps: Deps, change: AdminChange & { disabled: boolean }): Promise<ChangeResult> {
  if (change.agentId === change.userId) return "own_account";
  return db.transaction().execute(async (trx) => {
    const now = deps.clock.nowMs();
    const updated = await trx
      .updateTable("users")
      .set({ disabled_at: change.disabled ? now : null })
      .where("id", "=", change.userId)
      .where("disabled_at", change.disabled ? "is" : "is not", null)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return "unchanged";
    const endedSessions = change.disabled ? await deleteUserSessions(trx, change.userId) : 0;
    await recordAuditEvent(trx, deps, {
      type: change.disabled ? "user.disabled" : "user.enabled",
      actorUserId: change.agentId,
      subjectUserId: change.userId,
      ip: change.meta.ip,
      userAgent: change.meta.userAgent,
      detail: change.disabled ? { via: "console", ended_sessions: endedSessions } : { via: "console" },
    });
    return "changed";
  });
}

/** Compare-and-set on the old role, so two concurrent changes record one transition each or none. */
export async function changeUserRole(db: Kysely<DB>, deps: Deps, change: AdminChange & { role: Role }): Promise<ChangeResult> {
  if (change.agentId === change.userId) return "own_account";
  return db.transaction().execute(async (trx) => {
    const current = await trx.selectFrom("users").select("role").where("id", "=", change.userId).executeTakeFirst();
    if (!current || current.role === change.role) return "unchanged";
    const updated = await trx.updateTable("users").set({ role: change.role }).where("id", "=", change.userId).where("role", "=", current.role).executeTakeFirst();
    if (Number(updated.numUpdatedRows) !== 1) return "unchanged";
    await recordAuditEvent(trx, deps, {
      type: "user.role_changed",
      actorUserId: change.agentId,
      subjectUserId: change.userId,
      ip: change.meta.ip,
      userAgent: change.meta.userAgent,
      detail: { from: current.role, to: change.role, via: "console" },
    });
    return "changed";
  });
}

export type InviteResult = { ok: true; user: User; token: string } | { ok: false; error: CreateUserError };

class DuplicateEmail extends Error {}

/** A new user without a password, their invitation link and the audit event: all, or none of them. */
export async function inviteUser(db: Kysely<DB>, deps: Deps, input: { agentId: string; email: string; displayName: string; role: string; meta: SessionMeta }): Promise<InviteResult> {
  const prepared = await prepareUser(deps, { email: input.email, displayName: input.displayName, role: input.role, password: null });
  if (!prepared.ok) return prepared;
  if (await findUserByEmail(db, prepared.user.email)) return { ok: false, error: "duplicate_email" };
  try {
    return await db.transaction().execute(async (trx) => {
      // A unique violation aborts a PostgreSQL transaction: roll it back rather than go on in it.
      if (!(await insertUser(trx, prepared.user)).ok) throw new DuplicateEmail();
      await recordAuditEvent(trx, deps, {
        type: "user.created",
        actorUserId: input.agentId,
        subjectUserId: prepared.user.id,
        ip: input.meta.ip,
        userAgent: input.meta.userAgent,
        detail: { role: prepared.user.role, via: "console" },
      });
      const token = await createOneTimeLink(trx, deps, "invite", prepared.user.id, INVITE_TTL_MS);
      return { ok: true as const, user: prepared.user, token };
    });
  } catch (error) {
    if (error instanceof DuplicateEmail) return { ok: false, error: "duplicate_email" };
    throw error;
  }
}
