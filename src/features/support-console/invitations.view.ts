import { csrfInput, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { timeTag } from "../../views/time.ts";
import { backToSearch, ROLE_WORDS } from "./console.view.ts";
import type { PendingInvitation } from "./invitations.service.ts";
import { pager, rangeText } from "./pager.view.ts";
import { type PageRequest, type PageSpan, pageParams } from "./user-pages.ts";
import type { QueryProblem } from "./users-list.query.ts";
import { usersTabs, wrappableEmail } from "./users-list.view.ts";

export interface InvitationsPageView {
  csrfToken: string;
  /** Null when the query was refused. */
  list: { rows: PendingInvitation[]; span: PageSpan } | null;
  /** The page shown, so an action comes back to it. */
  request: PageRequest;
  pendingCount: number;
  nowMs: number;
  /** Only administrators get "Resend invitation" and "Revoke invitation"; support reads. */
  isAdmin: boolean;
  problem?: QueryProblem | null;
}

export function invitationsHref(request: PageRequest): string {
  const query = new URLSearchParams(pageParams(request)).toString();
  return query ? `/admin/users/invitations?${query}` : "/admin/users/invitations";
}

/** The "Pending invitations" tab of the Users page. */
export function invitationsPageBody(o: InvitationsPageView): SafeHtml {
  return html`<div class="console wide-console">
<h1>Users</h1>
${backToSearch()}
${usersTabs("invitations", o.pendingCount)}
<section aria-labelledby="invitations-heading">
  <h2 id="invitations-heading">Pending invitations</h2>
  <p>${
    o.isAdmin
      ? "People invited who have not chosen a password yet. Resending e-mails a new link for 72 hours and stops the old one; revoking stops the link and removes the unused account."
      : "People invited who have not chosen a password yet. Only an administrator can resend or revoke invitations."
  }</p>
  ${o.problem ? formError(o.problem.message) : null}
  ${o.list ? invitationsTable(o, o.list) : null}
</section>
</div>`;
}

function invitationsTable(o: InvitationsPageView, list: NonNullable<InvitationsPageView["list"]>): SafeHtml {
  if (list.span.total === 0) return html`<p id="invitations-range">No pending invitations.</p>`;
  return html`<p id="invitations-range">${rangeText("Pending invitations", list.span)}</p>
<table class="data stacked invitations-table" aria-labelledby="invitations-range">
  <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col">Role</th><th scope="col">Invited by</th><th scope="col">Sent</th><th scope="col">Expires</th>${o.isAdmin ? html`<th scope="col">Actions</th>` : null}</tr></thead>
  <tbody>
    ${list.rows.map(
      (invitation) => html`<tr>
      <td data-label="Name"><a href="/admin/users/${invitation.userId}">${invitation.name}</a></td>
      <td data-label="Email" class="address" id="invitation-${invitation.userId}">${wrappableEmail(invitation.email)}</td>
      <td data-label="Role">${ROLE_WORDS[invitation.role]}</td>
      <td data-label="Invited by">${invitation.invitedBy ?? "Not recorded"}</td>
      <td data-label="Sent">${invitation.sentAtMs === null ? "—" : timeTag(invitation.sentAtMs)}</td>
      <td data-label="Expires">${expiry(invitation, o.nowMs)}</td>
      ${o.isAdmin ? html`<td data-label="Actions">${actions(o.csrfToken, invitation.userId, o.request)}</td>` : null}
    </tr>`,
    )}
  </tbody>
</table>
${pager("Pages of pending invitations", list.span, list.rows.map((row) => row.userId), invitationsHref)}`;
}

function expiry(invitation: PendingInvitation, nowMs: number): SafeHtml {
  if (invitation.expiresAtMs === null) return html`<strong>No working link</strong>`;
  if (invitation.expiresAtMs <= nowMs) return html`<strong>Expired</strong> ${timeTag(invitation.expiresAtMs)}`;
  return timeTag(invitation.expiresAtMs);
}

/** Two small forms; each button is described by the row's address, so a screen reader says whose. */
function actions(csrfToken: string, userId: string, request: PageRequest): SafeHtml {
  const back = pageParams(request).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`);
  const form = (action: "resend" | "revoke", label: string) => html`<form method="post" action="/admin/users/${userId}/invitation/${action}">
        ${csrfInput(csrfToken)}${back}
        <button type="submit" class="button-secondary" aria-describedby="invitation-${userId}">${label}</button>
      </form>`;
  return html`<div class="row-actions">${form("resend", "Resend invitation")}${form("revoke", "Revoke invitation")}</div>`;
}
