import type { UserSummary } from "./console.service.ts";
import { field } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { ROLE_WORDS, statusWords } from "./console.view.ts";

export interface AdminSearchView {
  query: string;
  /** Null before a search. */
  results: UserSummary[] | null;
  limit: number;
  isAdmin: boolean;
  error?: string | null;
}

/** The console's front page: find a user by e-mail or name. */
/** The search field: an email address at most (RFC 5321). */
export const SEARCH_MAX_LENGTH = 254;

export function adminSearchBody(o: AdminSearchView): SafeHtml {
  return html`<div class="console">
<h1>Support console</h1>
<form method="get" action="/admin" class="stack search-form" role="search" aria-label="Users">
  ${field({ name: "q", label: "Search users", hint: "Email or name, or part of one.", value: o.query, required: false, maxlength: SEARCH_MAX_LENGTH, error: o.error, autofocus: o.results === null })}
  <button type="submit" class="button-primary">Search</button>
</form>
<nav aria-label="Console" class="console-nav"><a href="/admin/users" class="button-secondary">Users</a>${o.isAdmin ? html` <a href="/admin/users/new" class="button-secondary">Create user</a> <a href="/admin/apps" class="button-secondary">Apps</a>` : null}</nav>
${o.results === null ? null : results(o.query, o.results, o.limit)}
</div>`;
}

function results(query: string, users: UserSummary[], limit: number): SafeHtml {
  const summary =
    users.length === 0
      ? html`No users match “${query}”.`
      : users.length >= limit
        ? html`Showing the first ${limit} users that match “${query}”. Type more of the address or name to narrow the search.`
        : html`${users.length} ${users.length === 1 ? "user matches" : "users match"} “${query}”.`;
  return html`<section aria-labelledby="results-heading">
  <h2 id="results-heading">Results</h2>
  <p id="results-summary">${summary}</p>
  ${
    users.length === 0
      ? null
      : html`<table class="data" aria-labelledby="results-heading" aria-describedby="results-summary">
    <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Status</th></tr></thead>
    <tbody>
      ${users.map(
        (user) => html`<tr>
        <td><a href="/admin/users/${user.id}">${user.display_name}</a></td>
        <td>${user.email}</td>
        <td>${ROLE_WORDS[user.role]}</td>
        <td>${statusWords(user)}</td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }
</section>`;
}
