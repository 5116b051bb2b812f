import { html, type SafeHtml } from "../html.ts";

export function dashboardBody(o: { displayName: string; lastSignInAt: number | null }): SafeHtml {
  return html`<h1>Dashboard</h1>
<p>Welcome, ${o.displayName}.</p>
<dl class="facts">
  <dt>Previous sign-in</dt>
  <dd>${o.lastSignInAt ? html`<time datetime="${new Date(o.lastSignInAt).toISOString()}">${formatUtc(o.lastSignInAt)}</time>` : "This is your first sign-in."}</dd>
</dl>`;
}

export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}
