import { describeDevice } from "../../views/device.ts";
import { csrfInput } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { timeTag } from "../../views/time.ts";
import type { RememberedBrowserView } from "../../auth/remembered-browsers.ts";
import { REMEMBERED_BROWSER_MESSAGES as M } from "./remembered-browsers.messages.ts";

/** The checkbox inside each form that completes a sign-in; none when REMEMBER_BROWSER_DAYS is 0. Unchecked by default. */
export function rememberCheckbox(days: number): SafeHtml | null {
  if (days <= 0) return null;
  return html`<div class="checkbox">
  <input type="checkbox" id="field-remember" name="remember" value="on" aria-describedby="field-remember-hint">
  <label for="field-remember">${M.rememberLabel(days)}</label>
  <p class="hint" id="field-remember-hint">${M.rememberHint}</p>
</div>`;
}

/** "Remembered browsers" on the Sessions page, each with "Forget". */
export function rememberedBrowsersSection(o: { csrfToken: string; browsers: RememberedBrowserView[] }): SafeHtml {
  return html`<section aria-labelledby="remembered-heading" class="remembered">
<h2 id="remembered-heading">Remembered browsers</h2>
${
  o.browsers.length === 0
    ? html`<p>${M.none}</p>`
    : html`<p>These browsers sign in with your password only. Forget one you no longer use or do not recognise.</p>
<table class="data">
  <caption class="visually-hidden">Browsers that skip the two-factor code, most recently used first</caption>
  <thead><tr><th scope="col">Device</th><th scope="col">Remembered</th><th scope="col">Last used</th><th scope="col">Until</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
  <tbody>
  ${o.browsers.map(
    (b) => html`<tr>
    <td id="browser-${b.id}">${describeDevice(b.userAgent)}${b.ip ? html`<br><span class="hint">${b.ip}</span>` : null}</td>
    <td>${timeTag(b.createdAtMs)}</td>
    <td>${timeTag(b.lastUsedAtMs)}</td>
    <td>${timeTag(b.expiresAtMs)}</td>
    <td><form method="post" action="/account/remembered-browsers/${b.id}/forget" class="inline-form">${csrfInput(o.csrfToken)}<button type="submit" class="button-secondary" aria-describedby="browser-${b.id}">Forget</button></form></td>
  </tr>`,
  )}
  </tbody>
</table>`
}
</section>`;
}
