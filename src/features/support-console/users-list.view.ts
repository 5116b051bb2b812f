import type { SecondFactorKind } from "../../db/schema.ts";
import { selectField } from "../../views/fields.ts";
import { formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { timeTag } from "../../views/time.ts";
import { backToSearch, ROLE_WORDS, statusWords } from "./console.view.ts";
import { pager, rangeText } from "./pager.view.ts";
import type { PageSpan } from "./user-pages.ts";
import { FILTER_CHOICES, FILTER_LABELS, type FilterName, type QueryProblem, type UserFilters, usersHref } from "./users-list.query.ts";
import type { UserListRow } from "./users-list.service.ts";

export interface UsersPageView {
  filters: UserFilters;
  /** Null when the query was refused: the form comes back with the problem. */
  list: UserList | null;
  pendingCount: number;
  problem?: QueryProblem | null;
}

type UserList = { rows: UserListRow[]; span: PageSpan };

const METHOD_WORDS: Record<SecondFactorKind, string> = { totp: "Authenticator app", sms: "SMS", webauthn: "Passkey" };

/** An address that wraps after its @ and before its dots first, and anywhere only when a part is too long. */
export function wrappableEmail(email: string): SafeHtml {
  const [local = "", ...domain] = email.split("@");
  const parts = domain.join("@").split(/(?=\.)/);
  return html`${local}@<wbr>${parts.map((part, i) => (i ? html`<wbr>${part}` : part))}`;
}

/** "All users" and "Pending invitations (n)": the two lists under the heading "Users". */
export function usersTabs(current: "users" | "invitations", pendingCount: number): SafeHtml {
  const tab = (href: string, name: "users" | "invitations", words: string) => html`<a href="${href}"${current === name ? html` aria-current="page"` : null}>${words}</a>`;
  return html`<nav class="tabs" aria-label="User lists">
  ${tab("/admin/users", "users", "All users")}
  ${tab("/admin/users/invitations", "invitations", `Pending invitations (${pendingCount.toLocaleString("en-US")})`)}
</nav>`;
}

/** The console's Users page: every user, 50 a page, with filters that work as a plain GET form. */
export function usersPageBody(o: UsersPageView): SafeHtml {
  const filterField = (name: FilterName, value: string) =>
    selectField({ name, label: FILTER_LABELS[name], options: FILTER_CHOICES[name], value, error: o.problem?.field === name ? o.problem.message : null });
  return html`<div class="console wide-console">
<h1>Users</h1>
${backToSearch()}
${usersTabs("users", o.pendingCount)}
<form method="get" action="/admin/users" class="filters" role="search" aria-label="Filter users">
  ${filterField("role", o.filters.role)}
  ${filterField("status", o.filters.status)}
  ${filterField("two_factor", o.filters.twoFactor)}
  <button type="submit" class="button-secondary">Apply filters</button>
</form>
${o.problem?.field === null ? formError(o.problem.message) : null}
${o.list ? usersTable(o.list, o.filters) : null}
</div>`;
}

function usersTable(list: UserList, filters: UserFilters): SafeHtml {
  if (list.span.total === 0) return html`<p id="users-range">No users match these filters.</p>`;
  return html`<p id="users-range">${rangeText("Users", list.span)}</p>
<table class="data stacked users-table" aria-labelledby="users-range">
  <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th><th scope="col">Two-factor</th><th scope="col">Last sign-in</th></tr></thead>
  <tbody>
    ${list.rows.map(
      (user) => html`<tr>
      <td data-label="Name"><a href="/admin/users/${user.id}">${user.display_name}</a></td>
      <td data-label="Email" class="address">${wrappableEmail(user.email)}</td>
      <td data-label="Role">${ROLE_WORDS[user.role]}</td>
      <td data-label="Status">${statusWords(user)}</td>
      <td data-label="Two-factor">${user.method ? METHOD_WORDS[user.method] : "Not set up"}</td>
      <td data-label="Last sign-in">${user.last_sign_in_at === null ? "Never" : timeTag(user.last_sign_in_at)}</td>
    </tr>`,
    )}
  </tbody>
</table>
${pager("Pages of users", list.span, list.rows.map((user) => user.id), (request) => usersHref(filters, request))}`;
}
