import type { Expression, ExpressionBuilder, Kysely, SqlBool } from "kysely";
import type { DB } from "../../db/schema.ts";

/**
 * Pages through users in e-mail order. "Next page" and "Previous page" continue from a row (keyset:
 * `email_normalized > the row's`), so every page is an index range scan however deep it is; a page
 * number (`?page=3`, typed or bookmarked) skips rows with OFFSET, and past the end shows the last page.
 * The cursor is the row's id, so no address goes into a URL (or a log line).
 */

export type UserCondition = (eb: ExpressionBuilder<DB, "users">) => Expression<SqlBool>;
export type PageRequest = { page: number } | { after: string } | { before: string };

/** Which rows a page shows, 1-based (0 and 0 when none match), of how many. */
export interface PageSpan {
  first: number;
  last: number;
  total: number;
}

export interface UserPage {
  /** The page's users, in e-mail order. */
  ids: string[];
  span: PageSpan;
}

const keys = (db: Kysely<DB>, condition: UserCondition, limit: number) => db.selectFrom("users").select(["users.id", "users.email_normalized"]).where(condition).limit(limit);

const emailOf = (id: string) => (eb: ExpressionBuilder<DB, "users">) => eb.selectFrom("users as cursor").select("cursor.email_normalized").where("cursor.id", "=", id);

/** How many users match, and how many of them sort before `email` (one scan for both). */
async function countAround(db: Kysely<DB>, condition: UserCondition, email: string): Promise<{ total: number; before: number }> {
  const row = await db
    .selectFrom("users")
    .select((eb) => [eb.fn.countAll<number | string>().as("total"), eb.fn.sum<number | string | null>(eb.case().when("users.email_normalized", "<", email).then(1).else(0).end()).as("before")])
    .where(condition)
    .executeTakeFirstOrThrow();
  return { total: Number(row.total), before: Number(row.before ?? 0) };
}

async function numberedPage(db: Kysely<DB>, condition: UserCondition, requested: number, size: number): Promise<UserPage> {
  const { total } = await countAround(db, condition, "");
  const pageCount = Math.max(1, Math.ceil(total / size));
  const offset = (Math.min(requested, pageCount) - 1) * size;
  const rows = total === 0 ? [] : await keys(db, condition, size).orderBy("users.email_normalized").offset(offset).execute();
  return { ids: rows.map((row) => row.id), span: { total, first: rows.length ? offset + 1 : 0, last: offset + rows.length } };
}

export async function pageOfUsers(db: Kysely<DB>, condition: UserCondition, request: PageRequest, size: number): Promise<UserPage> {
  if ("page" in request) return numberedPage(db, condition, request.page, size);
  const rows =
    "after" in request
      ? await keys(db, condition, size).where("users.email_normalized", ">", emailOf(request.after)).orderBy("users.email_normalized").execute()
      : (await keys(db, condition, size).where("users.email_normalized", "<", emailOf(request.before)).orderBy("users.email_normalized", "desc").execute()).reverse();
  // The row continued from is gone (revoked, say), or fewer rows are left before it than a page: start at the first page.
  if (rows.length === 0 || ("before" in request && rows.length < size)) return numberedPage(db, condition, 1, size);
  const { total, before } = await countAround(db, condition, rows[0]!.email_normalized);
  return { ids: rows.map((row) => row.id), span: { total, first: before + 1, last: before + rows.length } };
}

/** The query string of a page request (page 1 is no parameter at all). */
export function pageParams(request: PageRequest): [string, string][] {
  if ("after" in request) return [["after", request.after]];
  if ("before" in request) return [["before", request.before]];
  return request.page > 1 ? [["page", String(request.page)]] : [];
}

/** Rows looked up by the page's ids, put back in the page's (e-mail) order. */
export function inPageOrder<T>(ids: readonly string[], rows: T[], idOf: (row: T) => string): T[] {
  const order = new Map(ids.map((id, index) => [id, index]));
  return rows.sort((a, b) => order.get(idOf(a))! - order.get(idOf(b))!);
}
