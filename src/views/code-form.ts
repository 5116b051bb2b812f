import { reportPageError } from "./error-summary.ts";
import { CODE_FIELD_MAX_LENGTH } from "../http/forms/code-input.ts";
import { csrfInput } from "./form.ts";
import { html, type PageText, type SafeHtml } from "./html.ts";
import { countdownTag } from "./time.ts";

/**
 * The one prompt for a second-factor code, wherever it appears: field "Six-digit code", button "Verify".
 * One-time-code autocomplete lets phones offer the SMS code; numeric input mode shows a keypad.
 */
/** When a code stops working, and the server's time now (so countdowns never depend on the device clock). */
export interface Deadline {
  atMs: number;
  nowMs: number;
}

export function codeForm(o: { action: string; csrfToken: string; error?: PageText | null; deadline?: Deadline | null; hint?: string | null; autofocus?: boolean; extraFields?: SafeHtml | null }): SafeHtml {
  if (o.error) reportPageError({ message: o.error, fieldId: "field-code" });
  const described = ["code-hint", o.deadline ? "code-expiry" : null, o.error ? "code-error" : null].filter(Boolean).join(" ");
  return html`<form method="post" action="${o.action}" class="stack code-form" novalidate>
  ${csrfInput(o.csrfToken)}
  <div class="field${o.error ? " field-invalid" : ""}">
    <label for="field-code">Six-digit code</label>
    <p class="hint" id="code-hint">${o.hint ?? "Enter the six digits. Spaces are ignored."}</p>
    ${o.deadline ? html`<p class="hint" id="code-expiry">${expiryText(o.deadline)}</p>` : null}
    ${o.error ? html`<p class="error" id="code-error">${o.error}</p>` : null}
    <input id="field-code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" maxlength="${CODE_FIELD_MAX_LENGTH}" aria-describedby="${described}"${o.error ? html` aria-invalid="true"` : null} required${o.autofocus === false ? null : html` autofocus`}>
  </div>
  ${o.extraFields ?? null}
  <button type="submit" class="button-primary">Verify</button>
</form>`;
}

/** The deadline to the second in the reader's zone (src/views/time.ts), enhanced to a countdown by app.js. */
export function expiryText(deadline: Deadline): SafeHtml {
  const secondsLeft = Math.max(0, Math.round((deadline.atMs - deadline.nowMs) / 1000));
  return html`Enter it before ${countdownTag(deadline.atMs, secondsLeft)}.`;
}
