import { describeDevice } from "../../views/device.ts";
import { describeEvent } from "../../views/event-labels.ts";
import { timeTag } from "../../views/time.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { maskedPhone } from "../../views/masked-phone.ts";

export interface DashboardView {
  displayName: string;
  method: { kind: "totp" | "webauthn" } | { kind: "sms"; maskedPhone: string } | null;
  fallbackPhone: string | null;
  previousSignInAt: number | null;
  /** The apps this user may use (none: no section at all). */
  apps: { name: string; url: string }[];
  recoveryCodes: { unused: number; total: number };
  activity: { type: string; atMs: number; ip: string | null; userAgent: string | null; detail?: string | null }[];
}

export function dashboardBody(o: DashboardView): SafeHtml {
  return html`<h1>Dashboard</h1>
<p>Welcome, ${o.displayName}.</p>
${o.apps.length === 0 ? null : yourApps(o.apps)}
<section aria-labelledby="security-heading" class="card">
  <h2 id="security-heading">Sign-in security</h2>
  <dl class="facts">
    <dt>Two-factor method</dt>
    <dd>${o.method === null ? "None" : o.method.kind === "totp" ? "Authenticator app" : "maskedPhone" in o.method ? maskedPhone(`SMS to ${o.method.maskedPhone}`) : "Security key or passkey"}</dd>
    <dt>Fallback phone</dt>
    <dd>${o.fallbackPhone ?? html`None. <a href="/two-factor">Add a fallback phone</a> so you can reset two-factor sign-in yourself if you lose your device.`}</dd>
    <dt>Recovery codes</dt>
    <dd>${recoveryCodesFact(o.recoveryCodes)}</dd>
    <dt>Previous sign-in</dt>
    <dd>${o.previousSignInAt ? timeTag(o.previousSignInAt) : "This is your first sign-in."}</dd>
  </dl>
  <p><a href="/two-factor">Manage Two-Factor</a></p>
</section>
<section aria-labelledby="activity-heading" class="card">
  <h2 id="activity-heading">Recent security activity</h2>
  ${
    o.activity.length === 0
      ? html`<p>Nothing yet.</p>`
      : html`<table class="activity">
    <caption class="visually-hidden">Your last ${o.activity.length} security events, newest first</caption>
    <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">From</th></tr></thead>
    <tbody>${o.activity.map(
      (e) => html`<tr><td>${timeTag(e.atMs)}</td><td>${describeEvent(e.type, e.detail)}</td><td>${e.ip ?? "—"}${e.userAgent ? html`<br><span class="hint" title="${e.userAgent.slice(0, 200)}">${describeDevice(e.userAgent)}</span>` : null}</td></tr>`,
    )}</tbody>
  </table>`
  }
  <p class="hint">Something you do not recognise? Change your password and your two-factor method, and contact support.</p>
</section>`;
}

function yourApps(apps: DashboardView["apps"]): SafeHtml {
  return html`<section aria-labelledby="apps-heading" class="card">
  <h2 id="apps-heading">Your apps</h2>
  <ul class="your-apps">${apps.map((app) => html`<li><a href="${app.url}">${app.name}</a> <span class="hint app-address">${app.url}</span></li>`)}</ul>
</section>`;
}

/** How many recovery codes are left; at two or fewer, a recommendation to make new ones. */
function recoveryCodesFact(codes: { unused: number; total: number }): SafeHtml | string {
  if (codes.total === 0) return html`None. <a href="/two-factor">Create recovery codes</a> so you can sign in if you lose your device.`;
  const left = codes.unused === 1 ? "1 left" : `${codes.unused} left`;
  return codes.unused <= 2 ? html`${left}. <a href="/two-factor">Create new recovery codes</a> before you run out.` : `${left}.`;
}
