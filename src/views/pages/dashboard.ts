import { html, type SafeHtml } from "../html.ts";

export interface DashboardView {
  displayName: string;
  method: { kind: "totp" } | { kind: "sms"; maskedPhone: string } | null;
  fallbackPhone: string | null;
  previousSignInAt: number | null;
}

export function dashboardBody(o: DashboardView): SafeHtml {
  return html`<h1>Dashboard</h1>
<p>Welcome, ${o.displayName}.</p>
<section aria-labelledby="security-heading" class="card">
  <h2 id="security-heading">Sign-in security</h2>
  <dl class="facts">
    <dt>Two-factor method</dt>
    <dd>${o.method === null ? "None" : o.method.kind === "totp" ? "Authenticator app" : html`SMS to ${o.method.maskedPhone}`}</dd>
    <dt>Fallback phone</dt>
    <dd>${o.fallbackPhone ?? html`None. <a href="/two-factor">Add a fallback phone</a> so you can reset two-factor sign-in yourself if you lose your device.`}</dd>
    <dt>Previous sign-in</dt>
    <dd>${o.previousSignInAt ? html`<time datetime="${new Date(o.previousSignInAt).toISOString()}">${formatUtc(o.previousSignInAt)}</time>` : "This is your first sign-in."}</dd>
  </dl>
  <p><a href="/two-factor">Manage Two-Factor</a></p>
</section>`;
}

export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
