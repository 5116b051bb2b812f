import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { DB, SessionStage } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { deleteUserSessions, SESSION_IDLE_MS, type SessionMeta } from "./session.ts";

type Deps = CoreDeps;

/** A live session as the Sessions page and the support console show it: named by its handle, never its id. */
export interface LiveSession {
  handle: string;
  stage: SessionStage;
  createdAtMs: number;
  lastSeenAtMs: number;
  ip: string | null;
  userAgent: string | null;
  /** The session this request came with (never, when support looks). */
  current: boolean;
}

/** The user's live sessions (within their absolute and idle limits), the current one first, then most recently seen. */
export async function listLiveSessions(db: Kysely<DB>, clock: Clock, userId: string, currentSessionId: string | null = null): Promise<LiveSession[]> {
  const now = clock.nowMs();
  const rows = await db
    .selectFrom("sessions")
    .select(["id", "handle", "stage", "created_at", "last_seen_at", "ip", "user_agent"])
    .where("user_id", "=", userId)
    .where("expires_at", ">", now)
    .where("last_seen_at", ">", now - SESSION_IDLE_MS)
    .orderBy("last_seen_at", "desc")
    .orderBy("created_at", "desc")
    .execute();
  const sessions = rows.map((row) => ({
    handle: row.handle,
    stage: row.stage,
    createdAtMs: row.created_at,
    lastSeenAtMs: row.last_seen_at,
    ip: row.ip,
    userAgent: row.user_agent,
    current: row.id === currentSessionId,
  }));
  return [...sessions.filter((s) => s.current), ...sessions.filter((s) => !s.current)];
}

export interface RevokeInput {
  userId: string;
  /** The session asking: it is never ended here (that is "Sign out"). */
  currentSessionId: string;
  meta: SessionMeta;
}

/**
 * Ends one other session of the user's own, found by its handle. The user id is part of the delete,
 * so another user's handle matches nothing: false, and nothing changes.
 */
export async function revokeOwnSession(db: Kysely<DB>, deps: Deps, input: RevokeInput & { handle: string }): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const deleted = await trx
      .deleteFrom("sessions")
      .where("user_id", "=", input.userId)
      .where("handle", "=", input.handle)
      .where("id", "!=", input.currentSessionId)
      .executeTakeFirst();
    if (Number(deleted.numDeletedRows) !== 1) return false;
    await recordAuditEvent(trx, deps, { type: "session.revoked", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta });
    return true;
  });
}

/** "Sign out everywhere else": every other session of the user, whatever its stage. Returns how many ended. */
export async function revokeOtherSessions(db: Kysely<DB>, deps: Deps, input: RevokeInput): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const count = await deleteUserSessions(trx, input.userId, input.currentSessionId);
    if (count > 0) await recordAuditEvent(trx, deps, { type: "session.revoked_others", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta, detail: { count } });
    return count;
  });
}
