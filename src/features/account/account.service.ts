import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { deleteUserSessions, type SessionMeta } from "../../auth/session.ts";
import { forgetRememberedBrowsers } from "../../auth/remembered-browsers.ts";
import { PASSWORD_FAILURES, passwordStepAttempts } from "../../auth/lockout.ts";
import { verifyPassword } from "../../auth/password.ts";
import type { User } from "../../db/schema.ts";

type Deps = CoreDeps;

/**
 * A signed-in password change: the new hash, every other session ended (OWASP ASVS 3.3.3), the event
 * recorded (which queues the e-mail to the user). One transaction.
 */
export async function changePassword(db: Kysely<DB>, deps: Deps, input: { userId: string; sessionId: string; passwordHash: string; meta: SessionMeta }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ password_hash: input.passwordHash }).where("id", "=", input.userId).execute();
    await deleteUserSessions(trx, input.userId, input.sessionId);
    await forgetRememberedBrowsers(trx, input.userId);
    await recordAuditEvent(trx, deps, { type: "password.changed", actorUserId: input.userId, subjectUserId: input.userId, ip: input.meta.ip, userAgent: input.meta.userAgent });
  });
}

/**
 * The Profile form: the display name (audited: support agents and apps see it) and the time zone (null:
 * the browser's; undefined: left as it is), in one transaction; nothing is written when nothing changed.
 */
export async function saveProfile(db: Kysely<DB>, deps: Deps, input: { user: User; displayName: string; timeZone: string | null | undefined; meta: SessionMeta }): Promise<void> {
  const { user, meta } = input;
  const nameChanged = input.displayName !== user.display_name;
  const zoneChanged = input.timeZone !== undefined && input.timeZone !== user.time_zone;
  if (!nameChanged && !zoneChanged) return;
  await db.transaction().execute(async (trx) => {
    const name = nameChanged ? { display_name: input.displayName } : {};
    const zone = zoneChanged ? { time_zone: input.timeZone ?? null } : {};
    await trx.updateTable("users").set({ ...name, ...zone }).where("id", "=", user.id).execute();
    if (nameChanged) await recordAuditEvent(trx, deps, { type: "profile.name_changed", actorUserId: user.id, subjectUserId: user.id, ip: meta.ip, userAgent: meta.userAgent });
  });
}

export type CurrentPasswordCheck = { ok: true } | { ok: false; reason: "wrong" } | { ok: false; reason: "locked"; retryAtMs: number };

/**
 * "Current password" on the change form is a password guess like the sign-in's: it takes a slot under
 * the same limits (10 wrong in 15 minutes lock the account's password step, owner e-mailed; the
 * address's 50), and every wrong one is audited (NIST SP 800-63B §5.2.2).
 */
export async function checkCurrentPassword(db: Kysely<DB>, deps: Deps, input: { user: User; current: string; meta: SessionMeta }): Promise<CurrentPasswordCheck> {
  const attempts = await passwordStepAttempts(db, deps, input.meta, input.user.id);
  const { ip, account } = attempts;
  if (!ip.allowed || !account?.allowed) return { ok: false, reason: "locked", retryAtMs: ip.retryAtMs ?? account?.retryAtMs ?? deps.clock.nowMs() + PASSWORD_FAILURES.lockMs };
  if (input.user.password_hash && (await verifyPassword(input.user.password_hash, input.current))) {
    await attempts.succeeded();
    return { ok: true };
  }
  await account.failed();
  await ip.failed();
  const { user, meta } = input;
  await recordAuditEvent(db, deps, { type: "password.change_failed", actorUserId: user.id, subjectUserId: user.id, ip: meta.ip, userAgent: meta.userAgent, detail: { reason: "wrong_password" } });
  return { ok: false, reason: "wrong" };
}
