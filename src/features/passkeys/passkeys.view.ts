import type { WebauthnCredential } from "../../db/schema.ts";
import { describeDevice } from "../../views/device.ts";
import { csrfInput, field } from "../../views/form.ts";
import { html, type SafeHtml, type PageText } from "../../views/html.ts";
import { timeTag } from "../../views/time.ts";
import { PASSKEY_MESSAGES as M } from "./passkeys.messages.ts";

export interface PasskeyFormView {
  csrfToken: string;
  action: string;
  mode: "register" | "authenticate";
  /** The WebAuthn options as JSON, read by passkey.js from the form's data attribute. */
  options: unknown;
  button: string;
  /** Fields before the button (the name of a new passkey, "Remember this browser"). */
  fields?: SafeHtml | null;
  error?: PageText | null;
  needsJavaScript?: string;
}

/** A passkey form: hidden until passkey.js shows it (WebAuthn has no HTML form); without it, a sentence says so. */
export function passkeyForm(o: PasskeyFormView): SafeHtml {
  return html`${o.error ? html`<p class="notice notice-error" role="alert">${o.error}</p>` : null}
<p class="notice" data-passkey-needs-js>${o.needsJavaScript ?? M.needsJavaScript}</p>
<form method="post" action="${o.action}" class="stack" data-passkey-mode="${o.mode}" data-passkey-options="${JSON.stringify(o.options)}" hidden>
  ${csrfInput(o.csrfToken)}
  <input type="hidden" name="response" value="">
  ${o.fields ?? null}
  <p class="error" role="alert" data-passkey-error data-message="${M.ceremonyFailed}" hidden></p>
  <button type="submit" class="button-primary">${o.button}</button>
</form>
<script src="/assets/webauthn.umd.min.js" defer></script>
<script src="/assets/passkey.js" defer></script>`;
}

export function passkeyNameField(o: { value: string; error?: string | null }): SafeHtml {
  return field({ name: "name", label: "Passkey name", value: o.value, hint: "So you can tell your passkeys apart, for example \u201cWork laptop\u201d.", error: o.error, maxlength: 60, autocomplete: "off" });
}

/** "Two-Factor Verification" for a passkey user: "Use passkey", then the other ways and the reset. */
export function passkeyVerifyBody(o: { form: SafeHtml; after: SafeHtml }): SafeHtml {
  return html`<h1>Two-Factor Verification</h1>
<p>${M.explainSignIn}</p>
${o.form}
${o.after}`;
}

export function passkeySetupBody(o: { form: SafeHtml }): SafeHtml {
  return html`<h1>Set up a passkey</h1>
<p>A passkey lives on this device (unlocked with your fingerprint, face or PIN) or on a security key. You use it after your password instead of a code.</p>
${o.form}
<p><a href="/two-factor">Choose another method</a></p>`;
}

function time(ms: number | null): SafeHtml | string {
  return ms === null ? "Never" : timeTag(ms);
}

/** The enabled method's "Manage": the passkeys by name with "Remove", and "Add a passkey". */
export function passkeyListBody(o: { csrfToken: string; passkeys: WebauthnCredential[]; addForm: SafeHtml }): SafeHtml {
  return html`<h1>Passkeys</h1>
<table class="data">
  <caption class="visually-hidden">Your passkeys and security keys</caption>
  <thead><tr><th scope="col">Name</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
  <tbody>
  ${o.passkeys.map(
    (p) => html`<tr>
    <td id="passkey-${p.id}">${p.name}</td>
    <td>${time(p.created_at)}</td>
    <td>${time(p.last_used_at)}</td>
    <td>${o.passkeys.length > 1 ? html`<form method="post" action="/two-factor/passkeys/${p.id}/remove" class="inline-form">${csrfInput(o.csrfToken)}<button type="submit" class="button-secondary" aria-describedby="passkey-${p.id}">Remove</button></form>` : html`<span class="hint">Your only passkey</span>`}</td>
  </tr>`,
  )}
  </tbody>
</table>
<h2>Add a passkey</h2>
${o.addForm}
<p><a href="/two-factor">Back to Manage Two-Factor Login</a></p>`;
}

/** A default name for a new passkey: the device it is being made on. */
export function defaultPasskeyName(userAgent: string | null): string {
  return describeDevice(userAgent).slice(0, 60);
}
