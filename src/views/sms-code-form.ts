import { MESSAGES, resendCooldownMessage } from "./code-messages.ts";
import { codeForm, type Deadline } from "./code-form.ts";
import { csrfInput, field, formError } from "./form.ts";
import { html, type SafeHtml, type PageText } from "./html.ts";
import { PHONE_FIELD_MAX_LENGTH } from "../auth/phone.ts";
import { maskedPhone } from "./masked-phone.ts";

/** `now`: what is active and what happens on success, when a method is being replaced. */
export function smsPhoneBody(o: { csrfToken: string; phone?: string; error?: string | null; formError?: PageText | null; now?: string | null }): SafeHtml {
  return html`<h1>Set up SMS codes</h1>
${formError(o.formError)}
${o.now ? html`<p class="notice">${o.now}</p>` : null}
<p>We will send a six-digit code to this phone now, and each time you sign in.</p>
<form method="post" action="/two-factor/setup/sms/send" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "phone", label: "Phone number", type: "tel", autocomplete: "tel", value: o.phone ?? "", error: o.error, hint: "Include the country code, for example +44 7400 123456.", maxlength: PHONE_FIELD_MAX_LENGTH })}
  <button type="submit" class="button-primary">Send code</button>
</form>
<p><a href="/two-factor">Choose another method</a></p>`;
}

/** Verifying an SMS code, with "Resend code" behind its cool-down. */
export function smsCodeBody(o: {
  heading: string;
  csrfToken: string;
  maskedPhone: string;
  verifyAction: string;
  resendAction: string;
  deadline: Deadline | null;
  resendAvailableAtMs: number | null;
  nowMs: number;
  error?: PageText | null;
  /** A refused resend's cool-down: while it runs the hint under "Resend code" says it, so it is said once. */
  notice?: PageText | null;
  extra?: SafeHtml | null;
  autofocus?: boolean;
  /** More fields inside the code form (the "Remember this browser" checkbox). */
  extraFields?: SafeHtml | null;
}): SafeHtml {
  const waitSeconds = o.resendAvailableAtMs ? Math.ceil((o.resendAvailableAtMs - o.nowMs) / 1000) : 0;
  return html`<h1>${o.heading}</h1>
${o.notice && waitSeconds <= 0 ? html`<p class="notice" role="status">${o.notice}</p>` : null}
<p>We sent a six-digit code by text message to the phone number ending ${o.maskedPhone.slice(-2)} (${maskedPhone(o.maskedPhone)}).</p>
${codeForm({ action: o.verifyAction, csrfToken: o.csrfToken, error: o.error, deadline: o.deadline, autofocus: o.autofocus ?? true, extraFields: o.extraFields ?? null })}
<form method="post" action="${o.resendAction}" class="resend-form">
  ${csrfInput(o.csrfToken)}
  <button type="submit" class="button-secondary" aria-describedby="resend-hint"${waitSeconds > 0 ? html` disabled data-resend-button` : null}>Resend code</button>
  <p class="hint" id="resend-hint"${waitSeconds > 0 ? html` data-seconds-left="${waitSeconds}"` : null}>${waitSeconds > 0 ? resendCooldownMessage(waitSeconds * 1000) : MESSAGES.resendReplaces}</p>
</form>
${o.extra ?? null}`;
}
