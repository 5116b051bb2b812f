import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import type { SessionMeta } from "../../auth/session.ts";
import { deleteUserSessions } from "../../auth/session.ts";

export interface FallbackChange {
  userId: string;
  sessionId: string;
  previous: string | null;
  next: string | null;
  meta: SessionMeta;
}

/**
 * Saves (or removes) the verified fallback phone, records the event, and signs the user's other
 * sessions out (OWASP ASVS 5 §7.4.3: after a change to authentication factors). One transaction.
 */
export async function changeFallbackPhone(db: Kysely<DB>, deps: CoreDeps, change: FallbackChange): Promise<void> {
  const type = change.next === null ? "fallback.removed" : change.previous === null ? "fallback.added" : "fallback.changed";
  await db.transaction().execute(async (trx) => {
    await trx.updateTable("users").set({ fallback_phone_e164: change.next }).where("id", "=", change.userId).execute();
    await deleteUserSessions(trx, change.userId, change.sessionId);
    await recordAuditEvent(trx, deps, { type, actorUserId: change.userId, subjectUserId: change.userId, ip: change.meta.ip, userAgent: change.meta.userAgent, detail: { phone_last_two: change.next?.slice(-2) ?? null } });
  });
}
