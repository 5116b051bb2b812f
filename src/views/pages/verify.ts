import { codeForm } from "../code-form.ts";
import { csrfInput, formError } from "../form.ts";
import { html, type SafeHtml } from "../html.ts";

/** The reset entry point on "Two-Factor Verification" (the reset itself is its own page/dialog). */
export function resetTwoFactorButton(): SafeHtml {
  return html`<form method="get" action="/two-factor/reset" class="reset-form">
  <button type="submit" class="button-secondary">Reset Two-Factor</button>
</form>`;
}

/** Every later sign-in with an authenticator app. */
export function verifyAppBody(o: { csrfToken: string; error?: string | null }): SafeHtml {
  return html`<h1>Two-Factor Verification</h1>
<p>Open your authenticator app and enter the code it shows for this portal.</p>
${codeForm({ action: "/two-factor/verify", csrfToken: o.csrfToken, error: o.error })}
<h2>Lost your device?</h2>
${resetTwoFactorButton()}`;
}

export function tooManyCodesBody(o: { csrfToken: string; message: string }): SafeHtml {
  return html`<h1>Two-Factor Verification</h1>
${formError(o.message)}
<form method="post" action="/logout">
  ${csrfInput(o.csrfToken)}
  <button type="submit" class="button-primary">Sign in again</button>
</form>`;
}

export function resetContactSupportBody(o: { supportContact: string }): SafeHtml {
  return html`<h1>Reset Two-Factor</h1>
<p>No fallback phone is set up for your account, so your two-factor sign-in cannot be reset here.</p>
<p>Contact support to reset it after they have verified who you are: <strong>${o.supportContact}</strong>.</p>
<p><a href="/two-factor/verify">Back to Two-Factor Verification</a></p>`;
}
