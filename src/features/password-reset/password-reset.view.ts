import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { codeForm, type Deadline } from "../../views/code-form.ts";
import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml, type PageText } from "../../views/html.ts";
import { maskedPhone } from "../../views/masked-phone.ts";

export function forgotPasswordBody(o: { csrfToken: string; email?: string; error?: string | null }): SafeHtml {
  return html`<h1>Forgot your password?</h1>
<p>Enter the e-mail address of your account. We will send you a link to choose a new password.</p>
${formError(o.error)}
<form method="post" action="/forgot-password" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "email", label: "Email", type: "email", autocomplete: "username", value: o.email ?? "", maxlength: EMAIL_MAX_LENGTH, autofocus: true })}
  <button type="submit" class="button-primary">Send reset link</button>
</form>
<p><a href="/login">Back to sign in</a></p>`;
}

export function forgotPasswordSentBody(): SafeHtml {
  return html`<h1>Check your e-mail</h1>
<p>If an account uses that address, we have sent it a link to reset the password. The link works once, for 30 minutes.</p>
<p>You will need your two-factor code too. If you have lost it, reset two-factor sign-in first, or contact support.</p>
<p><a href="/login">Back to sign in</a></p>`;
}

const HEADING = "Reset your password";

/** Step 1 with the authenticator app (or an SMS code already sent): the second factor comes first. */
export function resetFactorCodeBody(o: { csrfToken: string; action: string; method: "totp" | "sms"; maskedPhone?: string; deadline?: Deadline | null; resendAction?: string; error?: PageText | null; notice?: PageText | null }): SafeHtml {
  return html`<h1>${HEADING}</h1>
${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : null}
<p>First, confirm it's you: ${o.method === "totp" ? "enter the code your authenticator app shows." : html`enter the code we sent to ${o.maskedPhone ?? ""}.`}</p>
${codeForm({ action: o.action, csrfToken: o.csrfToken, error: o.error, deadline: o.deadline ?? null })}
${o.resendAction ? html`<form method="post" action="${o.resendAction}" class="resend-form">${csrfInput(o.csrfToken)}<button type="submit" class="button-secondary">Resend code</button></form>` : null}
<p>Lost your device? A password reset cannot replace your second factor: <a href="/login">sign in</a> and use "Reset Two-Factor", or contact support.</p>`;
}

export function resetFactorSendBody(o: { csrfToken: string; action: string; maskedPhone: string; error?: PageText | null }): SafeHtml {
  return html`<h1>${HEADING}</h1>
${formError(o.error)}
<p>First, confirm it's you with a code we text to ${maskedPhone(o.maskedPhone)}.</p>
<form method="post" action="${o.action}">${csrfInput(o.csrfToken)}<button type="submit" class="button-primary">Send code</button></form>`;
}

export interface NewPasswordErrors {
  form?: string | null;
  current?: string | null;
  password?: string | null;
  confirm?: string | null;
}

/** "New password" and "Confirm new password" (with "Current password" when changing it signed in). */
export function newPasswordBody(o: { csrfToken: string; action: string; heading: string; askCurrent: boolean; errors?: NewPasswordErrors; submitLabel: string }): SafeHtml {
  const e = o.errors ?? {};
  return html`<h1>${o.heading}</h1>
${formError(e.form)}
<form method="post" action="${o.action}" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${o.askCurrent ? field({ name: "current", label: "Current password", type: "password", autocomplete: "current-password", error: e.current, maxlength: 1024 }) : null}
  ${field({ name: "password", label: "New password", type: "password", autocomplete: "new-password", error: e.password, hint: "8 to 128 characters, different from your current one. A long passphrase is best.", maxlength: 1024 })}
  ${field({ name: "confirm", label: "Confirm new password", type: "password", autocomplete: "new-password", error: e.confirm, maxlength: 1024 })}
  <button type="submit" class="button-primary">${o.submitLabel}</button>
</form>`;
}
