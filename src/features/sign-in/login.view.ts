import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";

export function loginBody(o: { csrfToken: string; email?: string; error?: string | null; notice?: string | null; heading?: string }): SafeHtml {
  return html`<h1>${o.heading ?? "Sign in"}</h1>
${o.notice ? html`<p class="notice notice-success" role="status">${o.notice}</p>` : null}
${formError(o.error)}
<form method="post" action="/login" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "email", label: "Email", type: "email", autocomplete: "username", value: o.email ?? "", maxlength: 254, autofocus: !o.email })}
  ${field({ name: "password", label: "Password", type: "password", autocomplete: "current-password", maxlength: 1024, autofocus: Boolean(o.email) })}
  <button type="submit" class="button-primary">Sign in</button>
</form>
<p><a href="/forgot-password">Forgot password?</a></p>`;
}
