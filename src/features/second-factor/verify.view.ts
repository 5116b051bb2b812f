import { codeForm } from "../../views/code-form.ts";
import { csrfInput, formError } from "../../views/form.ts";
import { html, type SafeHtml, type PageText } from "../../views/html.ts";

/** Every later sign-in with an authenticator app. */
export function verifyAppBody(o: { csrfToken: string; error?: PageText | null; reset: SafeHtml; dialogOpen: boolean; remember?: SafeHtml | null }): SafeHtml {
  return html`<h1>Two-Factor Verification</h1>
<p>Open your authenticator app and enter the code it shows for this portal.</p>
${codeForm({ action: "/two-factor/verify", csrfToken: o.csrfToken, error: o.error, autofocus: !o.dialogOpen, extraFields: o.remember ?? null })}
${o.reset}`;
}

export function tooManyCodesBody(o: { csrfToken: string; message: string }): SafeHtml {
  return html`<h1>Two-Factor Verification</h1>
${formError(o.message)}
<form method="post" action="/logout">
  ${csrfInput(o.csrfToken)}
  <button type="submit" class="button-primary">Sign in again</button>
</form>`;
}

/** Other ways to prove it is you than the method's code (recovery codes). */
export function otherWaysSection(): SafeHtml {
  return html`<p class="other-ways"><a href="/two-factor/recovery">Use a recovery code</a></p>`;
}
