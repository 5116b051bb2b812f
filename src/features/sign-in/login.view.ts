import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { FIELD_MAX_LENGTH } from "../../http/forms/form.ts";
import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml, type PageText } from "../../views/html.ts";

export function loginBody(o: { csrfToken: string; email?: string; error?: PageText | null; next?: string | null; heading?: string }): SafeHtml {
  return html`<h1>${o.heading ?? "Sign in"}</h1>
${formError(o.error)}
<form method="post" action="/login" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${o.next ? html`<input type="hidden" name="next" value="${o.next}">` : null}
  ${field({ name: "email", label: "Email", type: "email", autocomplete: "username", value: o.email ?? "", maxlength: EMAIL_MAX_LENGTH, autofocus: !o.email })}
  ${field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", maxlength: FIELD_MAX_LENGTH, autofocus: Boolean(o.email) })}
  <button type="submit" class="button-primary">Sign in</button>
</form>
<p><a href="/forgot-password">Forgot password?</a></p>`;
}
