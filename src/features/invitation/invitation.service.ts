import type { Kysely } from "kysely";
import { recordAuditEvent } from "../../auth/audit.ts";
import type { CoreDeps } from "../../auth/deps.ts";
import { consumeOneTimeLink } from "../../auth/one-time-link.ts";
import { createSession, type SessionMeta } from "../../auth/session.ts";
import { countUsers, insertUser, setPasswordHash } from "../../auth/user.ts";
import type { DB, User } from "../../db/schema.ts";

/** A new pending session (password proven, second factor still to set up), or why the link failed. */
export type LinkOutcome = { ok: true; sessionToken: string } | { ok: false };

/**
 * Uses an invitation link once: the password is set and audited in one transaction with consuming the
 * link, so two concurrent posts cannot both succeed; the invited user then holds a pending session.
 */
export async function acceptInvitation(db: Kysely<DB>, deps: CoreDeps, input: { token: string; passwordHash: string; meta: SessionMeta }): Promise<LinkOutcome> {
  const userId = await db.transaction().execute(async (trx) => {
    const link = await consumeOneTimeLink(trx, deps.clock, input.token, "invite");
    if (!link?.user_id) return null;
    await setPasswordHash(trx, link.user_id, input.passwordHash);
    await recordAuditEvent(trx, deps, { type: "user.password_set", actorUserId: link.user_id, subjectUserId: link.user_id, ...input.meta, detail: { via: "invitation" } });
    return link.user_id;
  });
  if (!userId) return { ok: false };
  const { token } = await createSession(db, deps, userId, { stage: "pending", meta: input.meta });
  return { ok: true, sessionToken: token };
}

/** The first-start link creates the first administrator, once, and only while there is no user at all. */
export async function createFirstAdministrator(db: Kysely<DB>, deps: CoreDeps, input: { token: string; user: User; meta: SessionMeta }): Promise<LinkOutcome> {
  const created = await db.transaction().execute(async (trx) => {
    if (!(await consumeOneTimeLink(trx, deps.clock, input.token, "first_admin"))) return false;
    if ((await countUsers(trx)) > 0) return false;
    if (!(await insertUser(trx, input.user)).ok) return false;
    await recordAuditEvent(trx, deps, { type: "user.created", actorUserId: null, subjectUserId: input.user.id, ...input.meta, detail: { role: "admin", via: "first_admin_link" } });
    return true;
  });
  if (!created) return { ok: false };
  const { token } = await createSession(db, deps, input.user.id, { stage: "pending", meta: input.meta });
  return { ok: true, sessionToken: token };
}
