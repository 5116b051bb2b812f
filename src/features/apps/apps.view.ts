import { appAllowedRoles } from "../../auth/apps.ts";
import type { App } from "../../db/schema.ts";
import { csrfInput } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { ROLE_LABELS } from "./app-form.view.ts";
import { APPS_MESSAGES as M } from "./apps.messages.ts";

function whoMayUse(app: App): string {
  const roles = appAllowedRoles(app);
  return roles ? roles.map((role) => ROLE_LABELS[role]).join(", ") : M.everyone;
}

/** The console's "Apps" page: every registered app. */
export function appsListBody(apps: readonly App[]): SafeHtml {
  return html`<div class="console">
<h1>${M.title}</h1>
<p><a href="/admin">Back to the support console</a></p>
<p>${M.intro}</p>
<p><a href="/admin/apps/new" class="button-secondary">${M.addTitle}</a></p>
${
  apps.length === 0
    ? html`<p>${M.none}</p>`
    : html`<table class="data">
  <caption class="visually-hidden">Registered apps</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Address</th><th scope="col">Sign-in method</th><th scope="col">Who may use it</th></tr></thead>
  <tbody>${apps.map(
    (app) => html`<tr><td><a href="/admin/apps/${app.id}">${app.name}</a></td><td class="address">${app.url}</td><td>${M.methodWords[app.method]}</td><td>${whoMayUse(app)}</td></tr>`,
  )}</tbody>
</table>`
}
</div>`;
}

function credentials(app: App, secret: string | null): SafeHtml {
  return html`<dl class="facts credentials">
  <dt>Client ID</dt><dd><code>${app.client_id}</code></dd>
  ${secret ? html`<dt>Client secret</dt><dd><code>${secret}</code></dd>` : null}
</dl>`;
}

/** After "Add app" (201) or "New client secret": the secret is not stored (only its hash), so it is shown only now. */
export function appSecretBody(o: { app: App; secret: string | null; heading: string }): SafeHtml {
  return html`<div class="console">
<h1>${o.heading}</h1>
${o.app.method === "oidc" ? html`${o.secret ? html`<p>${M.secretOnce}</p>` : null}${credentials(o.app, o.secret)}` : null}
<ul>
  <li><a href="/admin/apps/${o.app.id}">Open ${o.app.name}</a></li>
  <li><a href="/admin/apps">Back to apps</a></li>
</ul>
</div>`;
}

/** Beneath the edit form: the client ID, a new secret, removal. */
export function appActionsBody(o: { csrfToken: string; app: App }): SafeHtml {
  const { app } = o;
  return html`<div class="console">
${
  app.method === "oidc"
    ? html`<section aria-labelledby="secret-heading">
  <h2 id="secret-heading">Client credentials</h2>
  ${credentials(app, null)}
  ${
    app.client_secret_hash
      ? html`<p>The current secret stops working as soon as a new one is made.</p>
  <form method="post" action="/admin/apps/${app.id}/secret">${csrfInput(o.csrfToken)}<button type="submit" class="button-secondary">New client secret</button></form>`
      : html`<p>${M.noSecret}</p>`
  }
</section>`
    : null
}
<section aria-labelledby="remove-heading">
  <h2 id="remove-heading">Remove</h2>
  <p><a href="/admin/apps/${app.id}/remove">Remove app</a></p>
</section>
</div>`;
}
