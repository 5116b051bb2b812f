import { DISPLAY_NAME_MAX_LENGTH } from "../../auth/user.ts";
import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";

/** `adminPage`: an administrator's own console page, where they change their own address. */
export function profileBody(o: { csrfToken: string; email: string; displayName: string; adminPage?: string | null; error?: string | null; formError?: string | null }): SafeHtml {
  return html`<h1>Profile</h1>
${formError(o.formError)}
<form method="post" action="/account/profile" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "name", label: "Display name", autocomplete: "name", value: o.displayName, error: o.error, maxlength: DISPLAY_NAME_MAX_LENGTH })}
  <button type="submit" class="button-primary">Save</button>
</form>
<h2>E-mail address</h2>
<p>${o.email}</p>
${
  o.adminPage
    ? html`<p class="hint">You can change it on <a href="${o.adminPage}">your page in the support console</a>.</p>`
    : html`<p class="hint">Only an administrator can change the e-mail address you sign in with. Ask support if it has changed.</p>`
}`;
}
