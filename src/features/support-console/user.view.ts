import type { LiveSession } from "../../auth/user-sessions.ts";
import type { Role } from "../../db/schema.ts";
import type { SecurityEvent, UserSummary } from "./console.service.ts";
import { describeDevice } from "../../views/device.ts";
import { IDENTITY_CHECKS, isIdentityCheck } from "../../auth/support-reset.ts";
import { describeEvent } from "../../views/event-labels.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { type AdminActionsView, adminActions } from "./user-actions.view.ts";
import { backToSearch, ROLE_WORDS, statusWords, timeText } from "./console.view.ts";

export interface AdminUserView extends AdminActionsView {
  user: UserSummary;
  method: { kind: "totp" | "webauthn" } | { kind: "sms"; maskedPhone: string } | null;
  maskedFallback: string | null;
  sessions: LiveSession[];
  events: SecurityEvent[];
}

/** One user as support sees them: account, sign-in methods (masked), sessions and recent events. */
export function adminUserBody(o: AdminUserView): SafeHtml {
  const { user } = o;
  return html`<div class="console">
<h1>${user.display_name}</h1>
${backToSearch()}
<section aria-labelledby="account-heading" class="card">
  <h2 id="account-heading">Account</h2>
  <dl class="facts">
    <dt>Email</dt><dd>${user.email}</dd>
    <dt>Name</dt><dd>${user.display_name}</dd>
    <dt>Role</dt><dd>${ROLE_WORDS[user.role]}</dd>
    <dt>Status</dt><dd>${statusWords(user)}${user.disabled_at !== null ? html` since ${timeText(user.disabled_at)}` : null}</dd>
  </dl>
</section>
<section aria-labelledby="methods-heading" class="card">
  <h2 id="methods-heading">Two-factor sign-in</h2>
  <dl class="facts">
    <dt>Active method</dt><dd>${methodWords(o.method)}</dd>
    <dt>Fallback phone</dt><dd>${o.maskedFallback ?? "None"}</dd>
  </dl>
</section>
${sessionsSection(o.sessions)}
${eventsSection(user.id, o.events)}
${adminActions(o)}
</div>`;
}

function methodWords(method: AdminUserView["method"]): string {
  if (method === null) return "None (set-up required at next sign-in)";
  if (method.kind === "sms") return `SMS to ${method.maskedPhone}`;
  return method.kind === "totp" ? "Authenticator app" : "Security key or passkey";
}

function sessionsSection(sessions: LiveSession[]): SafeHtml {
  return html`<section aria-labelledby="sessions-heading">
  <h2 id="sessions-heading">Sessions</h2>
  ${
    sessions.length === 0
      ? html`<p>No active sessions.</p>`
      : html`<table class="data" aria-labelledby="sessions-heading">
    <thead><tr><th scope="col">Started</th><th scope="col">Last seen</th><th scope="col">IP address</th><th scope="col">Browser</th><th scope="col">Stage</th></tr></thead>
    <tbody>
      ${sessions.map(
        (s) => html`<tr>
        <td>${timeText(s.createdAtMs)}</td>
        <td>${timeText(s.lastSeenAtMs)}</td>
        <td>${s.ip ?? "Unknown"}</td>
        <td class="user-agent" title="${s.userAgent ?? ""}">${describeDevice(s.userAgent)}</td>
        <td>${s.stage === "full" ? "Signed in" : "Waiting for the second factor"}</td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }
</section>`;
}

function eventsSection(userId: string, events: SecurityEvent[]): SafeHtml {
  return html`<section aria-labelledby="events-heading">
  <h2 id="events-heading">Recent security events</h2>
  ${
    events.length === 0
      ? html`<p>No security events yet.</p>`
      : html`<table class="data" aria-labelledby="events-heading">
    <thead><tr><th scope="col">Time</th><th scope="col">Event</th><th scope="col">By</th><th scope="col">IP address</th></tr></thead>
    <tbody>
      ${events.map(
        (e) => html`<tr>
        <td>${timeText(e.at)}</td>
        <td>${describeEvent(e.type, e.detail)}${eventNote(e)}</td>
        <td>${actorWords(userId, e)}</td>
        <td>${e.ip ?? "—"}</td>
      </tr>`,
      )}
    </tbody>
  </table>`
  }
</section>`;
}

function actorWords(subjectId: string, e: SecurityEvent): string {
  if (e.actor_user_id === subjectId) return "The user";
  if (e.actor_user_id !== null) return e.actor_name ? `${e.actor_name} (${e.actor_email})` : "A deleted user";
  return e.detail.via === "cli" ? "Command line (CLI)" : "Not signed in";
}

/** What an agent needs to read back later: how identity was checked and why, or the roles or addresses changed. */
function eventNote(e: SecurityEvent): SafeHtml | null {
  const text = (value: unknown) => (typeof value === "string" ? value : null);
  if (e.type === "two_factor.support_reset") {
    const check = text(e.detail.identity_check);
    const words = check && isIdentityCheck(check) ? IDENTITY_CHECKS[check] : check;
    return html`<span class="event-note">${words ? `${words}. ` : null}Reason: ${text(e.detail.reason) ?? "not recorded"}</span>`;
  }
  if (e.type === "user.role_changed") {
    const role = (value: unknown) => (typeof value === "string" && Object.hasOwn(ROLE_WORDS, value) ? ROLE_WORDS[value as Role] : String(value));
    return html`<span class="event-note">${role(e.detail.from)} → ${role(e.detail.to)}</span>`;
  }
  if (e.type === "user.email_changed") return html`<span class="event-note">${text(e.detail.from) ?? "?"} → ${text(e.detail.to) ?? "?"}</span>`;
  return null;
}
