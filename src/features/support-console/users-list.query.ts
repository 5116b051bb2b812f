import { z } from "zod";
import { ROLES } from "../../auth/user.ts";
import { ID_PATTERN } from "../../auth/ids.ts";
import type { Role } from "../../db/schema.ts";
import { type PageRequest, pageParams } from "./user-pages.ts";
import { ROLE_WORDS } from "./console.view.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";

/** The Users page's query string: its filters and page number, read strictly (a bad value is a 400, never a guess). */

export const USERS_PAGE_SIZE = 50;
/** A page number past the last page shows the last page; a number longer than this is a typo or a probe. */
export const PAGE_NUMBER_MAX = 1_000_000;

export type RoleFilter = "all" | Role;
export type StatusFilter = "all" | "active" | "invited" | "disabled";
export type TwoFactorFilter = "all" | "set_up" | "not_set_up";

export interface UserFilters {
  role: RoleFilter;
  status: StatusFilter;
  twoFactor: TwoFactorFilter;
}

export const ALL_USERS: UserFilters = { role: "all", status: "all", twoFactor: "all" };

/** Each filter's choices with their words, in the order the form lists them. */
export const FILTER_CHOICES = {
  role: [{ value: "all", label: "All roles" }, ...ROLES.map((role) => ({ value: role, label: ROLE_WORDS[role] }))],
  status: [
    { value: "all", label: "All" },
    { value: "active", label: "Active" },
    { value: "invited", label: "Invited (no password yet)" },
    { value: "disabled", label: "Disabled" },
  ],
  two_factor: [
    { value: "all", label: "All" },
    { value: "set_up", label: "Set up" },
    { value: "not_set_up", label: "Not set up" },
  ],
} as const;

export type FilterName = keyof typeof FILTER_CHOICES;
export const FILTER_LABELS: Record<FilterName, string> = { role: "Role", status: "Status", two_factor: "Two-factor" };

const choice = <T extends string>(name: FilterName) =>
  z
    .string()
    .refine((value) => FILTER_CHOICES[name].some((option) => option.value === value))
    .transform((value) => value as T)
    .optional();

/** 1 to PAGE_NUMBER_MAX in plain digits: no sign, no leading zero, no decimals, no exponent. */
const pageInvalid = M.pageInvalid(PAGE_NUMBER_MAX.toLocaleString("en-US"));
const pageNumber = z
  .string({ message: pageInvalid })
  .regex(/^[1-9][0-9]{0,6}$/, { message: pageInvalid })
  .transform(Number)
  .refine((page) => page <= PAGE_NUMBER_MAX, { message: pageInvalid })
  .optional();
/** The row a "Next page" or "Previous page" link continues from: a user id. */
const cursor = z.string({ message: M.cursorInvalid }).regex(ID_PATTERN, { message: M.cursorInvalid }).optional();

/** Which page: in the query string, and in the list's forms (to come back to the same page). */
export const position = { page: pageNumber, after: cursor, before: cursor };
const usersQuery = z.strictObject({ role: choice<RoleFilter>("role"), status: choice<StatusFilter>("status"), two_factor: choice<TwoFactorFilter>("two_factor"), ...position });
const pageOnlyQuery = z.strictObject(position);

/** One of page, after and before at most: which page to show. */
export function pageRequest(o: { page?: number | undefined; after?: string | undefined; before?: string | undefined }): PageRequest | null {
  const given = [o.page, o.after, o.before].filter((value) => value !== undefined).length;
  if (given > 1) return null;
  return o.after ? { after: o.after } : o.before ? { before: o.before } : { page: o.page ?? 1 };
}

/** What was wrong: the filter to mark (null: the page number or the address itself) and the sentence. */
export interface QueryProblem {
  field: FilterName | null;
  message: string;
}

export type ParsedQuery<T> = { ok: true; value: T } | { ok: false; problem: QueryProblem };

function problemOf(error: z.ZodError): QueryProblem {
  const issue = error.issues[0];
  if (issue?.code === "unrecognized_keys") return { field: null, message: M.queryUnknown(issue.keys.join(", ")) };
  const name = issue?.path[0];
  if (name === "role" || name === "status" || name === "two_factor") {
    const words = FILTER_CHOICES[name].map((option) => option.label);
    return { field: name, message: M.filterInvalid(FILTER_LABELS[name], words.join(", ")) };
  }
  return { field: null, message: name === "after" || name === "before" ? M.cursorInvalid : pageInvalid };
}

const ONE_POSITION: QueryProblem = { field: null, message: M.oneOfPageAfterBefore };

export function parseUsersQuery(query: unknown): ParsedQuery<{ filters: UserFilters; request: PageRequest }> {
  const parsed = usersQuery.safeParse(query ?? {});
  if (!parsed.success) return { ok: false, problem: problemOf(parsed.error) };
  const { role = "all", status = "all", two_factor: twoFactor = "all" } = parsed.data;
  const request = pageRequest(parsed.data);
  return request ? { ok: true, value: { filters: { role, status, twoFactor }, request } } : { ok: false, problem: ONE_POSITION };
}

export function parsePageQuery(query: unknown): ParsedQuery<{ request: PageRequest }> {
  const parsed = pageOnlyQuery.safeParse(query ?? {});
  if (!parsed.success) return { ok: false, problem: problemOf(parsed.error) };
  const request = pageRequest(parsed.data);
  return request ? { ok: true, value: { request } } : { ok: false, problem: ONE_POSITION };
}

/** The Users page's address for these filters and page, leaving out what is the default. */
export function usersHref(filters: UserFilters, request: PageRequest = { page: 1 }): string {
  const chosen: [string, string][] = [
    ["role", filters.role],
    ["status", filters.status],
    ["two_factor", filters.twoFactor],
  ];
  const params = new URLSearchParams([...chosen.filter(([, value]) => value !== "all"), ...pageParams(request)]);
  const query = params.toString();
  return query ? `/admin/users?${query}` : "/admin/users";
}
