import { type Expression, type ExpressionBuilder, type Kysely, type SqlBool, sql } from "kysely";
import type { DB, SecondFactorKind } from "../../db/schema.ts";
import type { UserSummary } from "./console.service.ts";
import { inPageOrder, type PageRequest, type PageSpan, pageOfUsers } from "./user-pages.ts";
import { USERS_PAGE_SIZE, type UserFilters } from "./users-list.query.ts";

/** The Users page's read side: every user, filtered, a page at a time, in e-mail order. */

export interface UserListRow extends UserSummary {
  last_sign_in_at: number | null;
  /** The active two-factor method, or null when none is set up. */
  method: SecondFactorKind | null;
}

/**
 * The filters as one condition on `users`. 'active' is a literal, not a parameter: only then does
 * SQLite use the partial unique index on active factors (second_factors_one_active).
 */
export function matching(filters: UserFilters) {
  return (eb: ExpressionBuilder<DB, "users">): Expression<SqlBool> => {
    const conditions: Expression<SqlBool>[] = [];
    if (filters.role !== "all") conditions.push(eb("users.role", "=", filters.role));
    if (filters.status === "disabled") conditions.push(eb("users.disabled_at", "is not", null));
    else if (filters.status !== "all") {
      conditions.push(eb("users.disabled_at", "is", null), eb("users.password_hash", filters.status === "active" ? "is not" : "is", null));
    }
    if (filters.twoFactor !== "all") {
      const active = eb.exists(eb.selectFrom("second_factors").select(sql.lit(1).as("one")).whereRef("second_factors.user_id", "=", "users.id").where("second_factors.status", "=", sql.lit("active")));
      conditions.push(filters.twoFactor === "set_up" ? active : eb.not(active));
    }
    return eb.and(conditions);
  };
}

/**
 * What the table shows of the page's users, by id (the page itself came off the e-mail index), and
 * their active factors by the partial index on them; put in the page's order here, not sorted again.
 */
async function usersByIds(db: Kysely<DB>, ids: string[]): Promise<UserListRow[]> {
  const [users, factors] = await Promise.all([
    db
      .selectFrom("users")
      .select(["id", "email", "display_name", "role", "disabled_at", "last_sign_in_at"])
      // Whether a password is set, never the hash itself (SQLite answers 0/1, PostgreSQL a boolean).
      .select((eb) => eb("password_hash", "is not", null).as("password_set"))
      .where("id", "in", ids)
      .execute(),
    db.selectFrom("second_factors").select(["user_id", "kind"]).where("user_id", "in", ids).where("status", "=", sql.lit("active")).execute(),
  ]);
  const methods = new Map(factors.map((factor) => [factor.user_id, factor.kind]));
  const rows = users.map(({ password_set, ...user }) => ({ ...user, password_hash_set: Boolean(password_set), method: methods.get(user.id) ?? null }));
  return inPageOrder(ids, rows, (row) => row.id);
}

/** The page asked for, with the range it covers. */
export async function findUsers(db: Kysely<DB>, filters: UserFilters, request: PageRequest): Promise<{ rows: UserListRow[]; span: PageSpan }> {
  const { ids, span } = await pageOfUsers(db, matching(filters), request, USERS_PAGE_SIZE);
  return { rows: ids.length ? await usersByIds(db, ids) : [], span };
}
