import { codeForm, type Deadline } from "../../views/code-form.ts";
import { csrfInput, formError } from "../../views/form.ts";
import { html, type SafeHtml, type PageText } from "../../views/html.ts";

const HEADING = "Confirm it's you";

/** Why the code is asked for: a change to the user's own sign-in, or a support action on someone else's. */
export interface StepUpPurpose {
  purpose?: "own_factors" | "admin" | "admin_account";
  /** Where "Cancel" leads (default: "Manage Two-Factor Login"). */
  cancelHref?: string;
}

function why(o: StepUpPurpose): string {
  if (o.purpose === "admin") return "Resetting another user's two-factor sign-in needs a fresh code from your own method.";
  if (o.purpose === "admin_account") return "Changing another user's account needs a fresh code from your own method. Your change is kept and made once the code is verified.";
  return "Changing how you sign in needs a fresh code from your current method.";
}

function cancel(o: StepUpPurpose): SafeHtml {
  return html`<p><a href="${o.cancelHref ?? "/two-factor"}">Cancel</a></p>`;
}

/** Step-up with the authenticator app, or with an SMS code already sent. */
export function stepUpCodeBody(
  o: { csrfToken: string; action: string; method: "totp" | "sms"; maskedPhone?: string; deadline?: Deadline | null; error?: PageText | null; resendAction?: string } & StepUpPurpose,
): SafeHtml {
  return html`<h1>${HEADING}</h1>
<p>${why(o)}</p>
<p>${o.method === "totp" ? "Enter the code your authenticator app shows." : html`Enter the code we sent to ${o.maskedPhone ?? ""}.`}</p>
${codeForm({ action: o.action, csrfToken: o.csrfToken, error: o.error, deadline: o.deadline ?? null })}
${o.resendAction ? html`<form method="post" action="${o.resendAction}" class="resend-form">${csrfInput(o.csrfToken)}<button type="submit" class="button-secondary">Resend code</button></form>` : null}
${cancel(o)}`;
}

/** Step-up for an SMS user before a code has been sent: nothing is sent until they ask. */
export function stepUpSendBody(o: { csrfToken: string; action: string; maskedPhone: string; error?: PageText | null } & StepUpPurpose): SafeHtml {
  return html`<h1>${HEADING}</h1>
${formError(o.error)}
<p>${why(o)} We will text a code to ${o.maskedPhone}.</p>
<form method="post" action="${o.action}">
  ${csrfInput(o.csrfToken)}
  <button type="submit" class="button-primary">Send code</button>
</form>
${cancel(o)}`;
}

/** Step-up with a passkey ("Use passkey"). */
export function stepUpPasskeyBody(o: { form: SafeHtml } & StepUpPurpose): SafeHtml {
  return html`<h1>${HEADING}</h1>
<p>${why(o)} Use your passkey or security key.</p>
${o.form}
${cancel(o)}`;
}
