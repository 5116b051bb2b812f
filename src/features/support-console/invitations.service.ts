import { type ExpressionBuilder, type Kysely, sql } from "kysely";
import type { DB, Role } from "../../db/schema.ts";
import { parseDetail } from "./console.service.ts";
import { inPageOrder, type PageRequest, type PageSpan, pageOfUsers } from "./user-pages.ts";
import { USERS_PAGE_SIZE } from "./users-list.query.ts";

/** Pending invitations: invited users who have not chosen a password yet (and are not disabled). */

export interface PendingInvitation {
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** The newest unused link's times; null when the user has none (nothing works until one is resent). */
  sentAtMs: number | null;
  expiresAtMs: number | null;
  /** Who sent the newest invitation: a name (e-mail), "Command line (CLI)", or null when not known. */
  invitedBy: string | null;
}

const pending = (eb: ExpressionBuilder<DB, "users">) => eb.and([eb("users.password_hash", "is", null), eb("users.disabled_at", "is", null)]);

export async function countPendingInvitations(db: Kysely<DB>): Promise<number> {
  const row = await db
    .selectFrom("users")
    .select((eb) => eb.fn.countAll<number | string>().as("n"))
    .where(pending)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Whether the user is invited and has not accepted (the actions' precondition, checked again as they run). */
export async function isPendingInvitation(db: Kysely<DB>, userId: string): Promise<boolean> {
  return (await db.selectFrom("users").select("id").where("id", "=", userId).where(pending).executeTakeFirst()) !== undefined;
}

/** A page of pending invitations in e-mail order, with each one's newest link and who sent it. */
export async function findPendingInvitations(db: Kysely<DB>, request: PageRequest): Promise<{ rows: PendingInvitation[]; span: PageSpan }> {
  const { ids, span } = await pageOfUsers(db, pending, request, USERS_PAGE_SIZE);
  if (ids.length === 0) return { rows: [], span };
  const [users, links, senders] = await Promise.all([
    db.selectFrom("users").select(["id", "email", "display_name", "role"]).where("id", "in", ids).execute(),
    newestLinks(db, ids),
    newestSenders(db, ids),
  ]);
  const rows = inPageOrder(ids, users, (user) => user.id).map((user) => ({
    userId: user.id,
    email: user.email,
    name: user.display_name,
    role: user.role,
    sentAtMs: links.get(user.id)?.created_at ?? null,
    expiresAtMs: links.get(user.id)?.expires_at ?? null,
    invitedBy: senders.get(user.id) ?? null,
  }));
  return { rows, span };
}

/** Each user's newest unused invitation link (a resend deletes the older ones; this copes if any remain). */
async function newestLinks(db: Kysely<DB>, userIds: string[]) {
  const rows = await db
    .selectFrom("one_time_links")
    .select(["user_id", "created_at", "expires_at"])
    .where("user_id", "in", userIds)
    .where("purpose", "=", sql.lit("invite"))
    .where("used_at", "is", null)
    .orderBy("created_at")
    .execute();
  return new Map(rows.map((row) => [row.user_id!, row]));
}

/** Who sent each user's newest invitation, from the audit log (the creation, or a later resend). */
async function newestSenders(db: Kysely<DB>, userIds: string[]): Promise<Map<string, string>> {
  const rows = await db
    .selectFrom("audit_events")
    .leftJoin("users as actor", "actor.id", "audit_events.actor_user_id")
    .select(["audit_events.subject_user_id", "audit_events.detail", "actor.display_name", "actor.email"])
    .where("audit_events.subject_user_id", "in", userIds)
    .where("audit_events.type", "in", ["user.created", "invitation.resent"])
    .orderBy("audit_events.at")
    .orderBy("audit_events.id")
    .execute();
  const senders = new Map<string, string>();
  for (const row of rows) {
    const words = row.display_name ? `${row.display_name} (${row.email})` : parseDetail(row.detail).via === "cli" ? "Command line (CLI)" : null;
    if (words) senders.set(row.subject_user_id!, words);
    else senders.delete(row.subject_user_id!);
  }
  return senders;
}
