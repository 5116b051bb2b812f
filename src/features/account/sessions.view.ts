import type { LiveSession } from "../../auth/user-sessions.ts";
import { describeDevice } from "../../views/device.ts";
import { csrfInput } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { timeTag } from "../../views/time.ts";

export interface SessionsView {
  csrfToken: string;
  sessions: LiveSession[];
  /** Shown after the sessions (remembered browsers). */
  extra?: SafeHtml | null;
}

/** "Sessions": where the user is signed in, with "Sign out" for each other session and for all of them. */
export function sessionsBody(o: SessionsView): SafeHtml {
  const others = o.sessions.filter((s) => !s.current).length;
  return html`<div class="wide-page">
<h1>Sessions</h1>
<p>Where your account is signed in now. If you do not recognise one, sign it out, then change your password.</p>
<table class="data">
  <caption class="visually-hidden">Your sessions: this device first, then the most recently seen</caption>
  <thead><tr><th scope="col">Device</th><th scope="col">IP address</th><th scope="col">Signed in</th><th scope="col">Last seen</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
  <tbody>
    ${o.sessions.map((s) => sessionRow(o.csrfToken, s))}
  </tbody>
</table>
${
  others > 0
    ? html`<form method="post" action="/account/sessions/sign-out-others" class="stack">${csrfInput(o.csrfToken)}
  <p><button type="submit" class="button-secondary">Sign out everywhere else</button></p>
</form>`
    : html`<p>You are signed in on this device only.</p>`
}
${o.extra ?? null}
</div>`;
}

function sessionRow(csrfToken: string, s: LiveSession): SafeHtml {
  const deviceId = `session-${s.handle}`;
  const badges = [s.current ? html` <strong class="badge">This device</strong>` : null, s.stage === "full" ? null : html` <span class="badge">Signing in</span>`];
  return html`<tr>
      <td id="${deviceId}">${describeDevice(s.userAgent)}${badges}</td>
      <td>${s.ip ?? "Unknown"}</td>
      <td>${time(s.createdAtMs)}</td>
      <td>${time(s.lastSeenAtMs)}</td>
      <td>${
        s.current
          ? null
          : html`<form method="post" action="/account/sessions/${s.handle}/sign-out" class="inline-form">${csrfInput(csrfToken)}<button type="submit" class="button-secondary" aria-describedby="${deviceId}">Sign out</button></form>`
      }</td>
    </tr>`;
}

const time = timeTag;
