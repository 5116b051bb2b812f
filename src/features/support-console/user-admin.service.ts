import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import type { DB, Role, User } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { createInvitedUser, type InviteResult } from "../../auth/invitation.ts";
import { deleteUserSessions, type SessionMeta } from "../../auth/session.ts";
import { isStaffRole } from "../../auth/user.ts";
import { forgetRememberedBrowsers } from "../../auth/remembered-browsers.ts";

/** What support agents and administrators may do to other accounts, and the audited changes themselves. */

type Deps = CoreDeps;

/** Who is acting in the console. */
export type Agent = Pick<User, "id" | "role">;


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
    if (change.disabled) await forgetRememberedBrowsers(trx, change.userId);
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

/** An administrator invites a user from the console (the CLI calls createInvitedUser directly). */
export function inviteUser(
  db: Kysely<DB>,
  deps: Deps & { config: { publicUrl: URL; portalName: string } },
  input: { agentId: string; email: string; displayName: string; role: string; meta: SessionMeta },
): Promise<InviteResult> {
  const { agentId, meta, ...fields } = input;
  return createInvitedUser(db, { ...deps, publicUrl: deps.config.publicUrl, portalName: deps.config.portalName }, { inviter: { kind: "console", agentId, meta }, ...fields });
}
