import { type Deadline, expiryText } from "../../views/code-form.ts";
import { CODE_FIELD_MAX_LENGTH } from "../../http/forms/code-input.ts";
import { csrfInput } from "../../views/form.ts";
import { html, type SafeHtml, type PageText } from "../../views/html.ts";
import { maskedPhone } from "../../views/masked-phone.ts";

export interface ResetDialogView {
  csrfToken: string;
  /** Rendered open: after "Send Reset SMS code", after a wrong code, or without JavaScript. */
  open: boolean;
  maskedFallback: string | null;
  supportContact: string;
  /** A reset code was sent to this session and is still live. */
  codeDeadline: Deadline | null;
  error?: PageText | null;
  notice?: PageText | null;
}

/**
 * "Reset Two-Factor" and its native <dialog>. Without JavaScript the button loads /two-factor/reset,
 * which renders this page with the dialog open; app.js makes it a modal (focus inside, Escape closes).
 */
export function resetSection(o: ResetDialogView): SafeHtml {
  return html`<h2>Lost your device?</h2>
<form method="get" action="/two-factor/reset" class="reset-form"${o.open ? html` hidden` : null} data-reset-opener>
  <button type="submit" class="button-secondary">Reset Two-Factor</button>
</form>
<dialog id="reset-dialog" class="dialog" aria-labelledby="reset-dialog-title"${o.open ? html` open` : null} data-reset-dialog>
  <h2 id="reset-dialog-title">Reset Two-Factor</h2>
  ${dialogContent(o)}
  <p><a href="/two-factor/verify" data-reset-close>Close</a></p>
</dialog>`;
}

function dialogContent(o: ResetDialogView): SafeHtml {
  if (!o.maskedFallback) {
    return html`<p>No fallback phone is set up for your account, so two-factor sign-in cannot be reset here.</p>
<p>Contact support, who will check who you are and reset it: <strong>${o.supportContact}</strong>.</p>`;
  }
  const sendForm = (label: string, kind: string) =>
    html`<form method="post" action="/two-factor/reset/send">${csrfInput(o.csrfToken)}<button type="submit" class="${kind}">${label}</button></form>`;
  if (!o.codeDeadline) {
    return html`${o.error ? html`<p class="notice notice-error" role="alert">${o.error}</p>` : null}
<p>We can text a reset code to your fallback phone ${maskedPhone(o.maskedFallback)}. Using it removes your current two-factor method, and you set up a new one straight away.</p>
${sendForm("Send Reset SMS code", "button-primary")}`;
  }
  const described = ["reset-code-expiry", o.error ? "reset-code-error" : null].filter(Boolean).join(" ");
  return html`${o.notice ? html`<p class="notice" role="status">${o.notice}</p>` : null}
<p>We sent a six-digit reset code to your fallback phone ${maskedPhone(o.maskedFallback)}.</p>
<form method="post" action="/two-factor/reset" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  <div class="field${o.error ? " field-invalid" : ""}">
    <label for="field-reset-code">Reset code</label>
    <p class="hint" id="reset-code-expiry">${expiryText(o.codeDeadline)}</p>
    ${o.error ? html`<p class="error" id="reset-code-error">${o.error}</p>` : null}
    <input id="field-reset-code" name="reset_code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="${CODE_FIELD_MAX_LENGTH}" aria-describedby="${described}"${o.error ? html` aria-invalid="true"` : null} required autofocus>
  </div>
  <button type="submit" class="button-primary">Reset Two-Factor</button>
</form>
${sendForm("Send a new reset code", "button-secondary")}`;
}
