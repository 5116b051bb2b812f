import { type Kysely, sql } from "kysely";
import type { DB, Role, User } from "../../db/schema.ts";

/** The support console's read side: finding users and what an agent may see about one. */

export const SEARCH_RESULT_LIMIT = 50;
export const SEARCH_QUERY_MAX_LENGTH = 254; // an e-mail address is the longest thing worth typing
export const SECURITY_EVENT_LIMIT = 20;

export interface UserSummary {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  disabled_at: number | null;
  password_hash_set: boolean;
}

/** What the console shows of a user: never the password hash, only whether one is set. */
export function toUserSummary({ id, email, display_name, role, disabled_at, password_hash }: Pick<User, "id" | "email" | "display_name" | "role" | "disabled_at" | "password_hash">): UserSummary {
  return { id, email, display_name, role, disabled_at, password_hash_set: password_hash !== null };
}

/** `%`, `_` and the escape character itself match literally (with ESCAPE '\', same on SQLite and PostgreSQL). */
export function escapeLikePattern(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Users whose e-mail or name contains `query`, ignoring case; at most `limit`, ordered by e-mail.
 * Both sides are lower-cased (PostgreSQL's LIKE is case-sensitive, SQLite's only for non-ASCII).
 */
export async function searchUsers(db: Kysely<DB>, query: string, limit = SEARCH_RESULT_LIMIT): Promise<UserSummary[]> {
  const needle = query.trim().toLowerCase();
  if (needle === "") return [];
  const pattern = `%${escapeLikePattern(needle)}%`;
  const rows = await db
    .selectFrom("users")
    .select(["id", "email", "display_name", "role", "disabled_at", "password_hash"])
    .where((eb) => eb.or([sql<boolean>`${eb.ref("email_normalized")} like ${pattern} escape '\\'`, sql<boolean>`lower(${eb.ref("display_name")}) like ${pattern} escape '\\'`]))
    .orderBy("email_normalized")
    .limit(limit)
    .execute();
  return rows.map(toUserSummary);
}

export interface SecurityEvent {
  at: number;
  type: string;
  ip: string | null;
  actor_user_id: string | null;
  actor_name: string | null;
  actor_email: string | null;
  detail: Record<string, unknown>;
}

/** The latest audit events about the user, newest first, with who did each. */
export async function listSecurityEvents(db: Kysely<DB>, userId: string, limit = SECURITY_EVENT_LIMIT): Promise<SecurityEvent[]> {
  const rows = await db
    .selectFrom("audit_events")
    .leftJoin("users as actor", "actor.id", "audit_events.actor_user_id")
    .select(["audit_events.at", "audit_events.type", "audit_events.ip", "audit_events.actor_user_id", "audit_events.detail", "actor.display_name as actor_name", "actor.email as actor_email"])
    .where("audit_events.subject_user_id", "=", userId)
    .orderBy("audit_events.at", "desc")
    .limit(limit)
    .execute();
  return rows.map(({ detail, ...row }) => ({ ...row, detail: parseDetail(detail) }));
}

/** An audit event's detail as an object ({} when absent or unreadable). */
export function parseDetail(detail: string | null): Record<string, unknown> {
  if (detail === null) return {};
  try {
    const value: unknown = JSON.parse(detail);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
