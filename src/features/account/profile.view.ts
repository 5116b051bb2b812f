import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";

export function profileBody(o: { csrfToken: string; email: string; displayName: string; error?: string | null; formError?: string | null }): SafeHtml {
  return html`<h1>Profile</h1>
${formError(o.formError)}
<form method="post" action="/account/profile" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "name", label: "Display name", autocomplete: "name", value: o.displayName, error: o.error, maxlength: 100 })}
  <button type="submit" class="button-primary">Save</button>
</form>
<h2>E-mail address</h2>
<p>${o.email}</p>
<p class="hint">Only an administrator can change the e-mail address you sign in with. Ask support if it has changed.</p>`;
}
