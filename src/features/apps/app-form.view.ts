import { APP_NAME_MAX_LENGTH } from "../../auth/apps.ts";
import type { App, Role } from "../../db/schema.ts";
import { radioGroup, textArea } from "../../views/fields.ts";
import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import type { AppFormErrors, AppFormValues } from "./app-form.ts";
import { APPS_MESSAGES as M } from "./apps.messages.ts";

export const ROLE_LABELS: Record<Role, string> = { client: "Client", support: "Support agent", admin: "Administrator" };

export interface AppFormView {
  csrfToken: string;
  values: AppFormValues;
  errors: AppFormErrors;
  /** Editing this app (its method stays); absent: adding one. */
  app?: App;
}

function rolesGroup(o: AppFormView): SafeHtml {
  const error = o.errors.roles;
  return html`<fieldset class="field choice-group${error ? " field-invalid" : ""}" aria-describedby="field-roles-hint${error ? " field-roles-error" : ""}">
  <legend>Roles</legend>
  <p class="hint" id="field-roles-hint">${M.rolesHint}</p>
  ${error ? html`<p class="error" id="field-roles-error">${error}</p>` : null}
  ${(Object.keys(ROLE_LABELS) as Role[]).map(
    (role) => html`<div class="radio"><input type="checkbox" id="field-roles-${role}" name="roles" value="${role}"${o.values.roles.includes(role) ? html` checked` : null}><label for="field-roles-${role}">${ROLE_LABELS[role]}</label></div>`,
  )}
</fieldset>`;
}

/** "Add app", and the same fields to edit one. */
export function appFormBody(o: AppFormView): SafeHtml {
  const { values, errors, app } = o;
  const method = app ? app.method : values.method;
  return html`<div class="console">
<h1>${app ? app.name : M.addTitle}</h1>
<p><a href="/admin/apps">Back to apps</a></p>
${formError(errors.form)}
<form method="post" action="${app ? `/admin/apps/${app.id}` : "/admin/apps"}" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "name", label: "Name", autocomplete: "off", value: values.name, maxlength: APP_NAME_MAX_LENGTH, error: errors.name })}
  ${field({ name: "url", label: "Address", autocomplete: "off", value: values.url, maxlength: 2048, hint: M.addressHint, error: errors.url })}
  ${
    app
      ? html`<p><strong>Sign-in method:</strong> ${M.methodWords[app.method]}</p>`
      : radioGroup({ name: "method", label: "Sign-in method", value: values.method, error: errors.method, options: [{ value: "oidc", label: M.methodWords.oidc }, { value: "proxy", label: M.methodWords.proxy }] })
  }
  ${method === "proxy" && app ? null : textArea({ name: "redirect_uris", label: "Redirect URIs", value: values.redirectUris, hint: M.redirectHint, error: errors.redirect_uris, rows: 3, required: false })}
  ${radioGroup({ name: "access", label: "Who may use it", value: values.access, error: errors.access, options: [{ value: "everyone", label: M.everyone }, { value: "roles", label: M.chosenRoles }] })}
  ${rolesGroup(o)}
  <button type="submit" class="button-primary">${app ? "Save changes" : M.addTitle}</button>
</form>
</div>`;
}

/** The confirmation before removing an app. */
export function removeAppBody(o: { csrfToken: string; app: App }): SafeHtml {
  return html`<div class="console">
<h1>${M.removeQuestion(o.app.name)}</h1>
<p>${M.removeWarning}</p>
<form method="post" action="/admin/apps/${o.app.id}/remove" class="stack">
  ${csrfInput(o.csrfToken)}
  <button type="submit" class="button-primary">Remove app</button>
</form>
<p><a href="/admin/apps/${o.app.id}">Cancel</a></p>
</div>`;
}
