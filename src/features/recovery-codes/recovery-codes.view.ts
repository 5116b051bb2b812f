import { csrfInput, field } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { codesLeftText } from "./recovery-codes.messages.ts";

/** The card on "Manage Two-Factor Login": how many codes are left, and a button to make a (new) set. */
export function recoveryCodesCard(o: { csrfToken: string; unused: number; total: number }): SafeHtml {
  const label = o.total === 0 ? "Create recovery codes" : "Create new recovery codes";
  return html`<section aria-labelledby="recovery-heading" class="card">
  <h2 id="recovery-heading">Recovery codes</h2>
  <p id="recovery-status">${
    o.total === 0
      ? "None. Recovery codes let you sign in if you lose your device: each one works once."
      : html`${codesLeftText(o.unused)}${o.unused <= 2 ? " Create new ones so you are not locked out." : null} New codes replace every old one.`
  }</p>
  <form method="post" action="/two-factor/recovery-codes" class="inline-form">${csrfInput(o.csrfToken)}<button type="submit" class="${o.total === 0 || o.unused <= 2 ? "button-primary" : "button-secondary"}" aria-describedby="recovery-status">${label}</button></form>
</section>`;
}

/** The new codes, shown once, with "Download codes" (a text file made in the page: nothing is fetched again). */
export function recoveryCodesShownBody(o: { codes: string[]; portalName: string; email: string }): SafeHtml {
  const file = [`${o.portalName} recovery codes for ${o.email}`, "Each code works once. Keep them somewhere safe.", "", ...o.codes, ""].join("\n");
  return html`<h1>Your recovery codes</h1>
<p class="notice notice-success" role="status">Ten new recovery codes were created. Any older codes no longer work.</p>
<p>Save these codes now: they are shown only once. Each one signs you in once if you cannot use your two-factor method.</p>
<ol class="recovery-codes" aria-label="Recovery codes">
${o.codes.map((code) => html`<li><code>${code}</code></li>`)}
</ol>
<div class="button-row">
  <a class="button-secondary" href="data:text/plain;charset=utf-8,${encodeURIComponent(file)}" download="recovery-codes.txt">Download codes</a>
  <form method="get" action="/two-factor" class="inline-form"><button type="submit" class="button-primary">I have saved these codes</button></form>
</div>`;
}

/** "Use a recovery code" during sign-in: field "Recovery code", button "Verify". */
export function recoverySignInBody(o: { csrfToken: string; error?: string | null; remember?: SafeHtml | null }): SafeHtml {
  return html`<h1>Use a recovery code</h1>
<p>Enter one of the recovery codes you saved. Each code works once.</p>
<form method="post" action="/two-factor/recovery" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "recovery_code", label: "Recovery code", autocomplete: "off", hint: "Ten letters and digits, like ABCDE-23456.", error: o.error, maxlength: 64, autofocus: true })}
  ${o.remember ?? null}
  <button type="submit" class="button-primary">Verify</button>
</form>
<p><a href="/two-factor/verify">Use your two-factor method instead</a></p>`;
}
