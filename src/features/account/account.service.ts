import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { deleteUserSessions, type SessionMeta } from "../../auth/session.ts";
import { forgetRememberedBrowsers } from "../../auth/remembered-browsers.ts";

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

export async function changeDisplayName(db: Kysely<DB>, deps: Deps, input: { userId: string; displayName: string; meta: SessionMeta }): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ display_name: input.displayName }).where("id", "=", input.userId).execute();
    await recordAuditEvent(trx, deps, { type: "profile.name_changed", actorUserId: input.userId, subjectUserId: input.userId, ip: input.meta.ip, userAgent: input.meta.userAgent });
  });
}
