import { csrfInput } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";

/**
 * "Are you sure?" before an administrator disables, enables or changes the role of a user: the same
 * form again with confirm=yes, and a way back that changes nothing. Works without JavaScript.
 */
export function confirmActionBody(o: { csrfToken: string; heading: string; effect: string; action: string; submitLabel: string; fields?: Record<string, string>; backHref: string }): SafeHtml {
  return html`<div class="console">
<h1>${o.heading}</h1>
<p>${o.effect}</p>
<form method="post" action="${o.action}" class="button-row">
  ${csrfInput(o.csrfToken)}
  ${Object.entries(o.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
  <input type="hidden" name="confirm" value="yes">
  <button type="submit" class="button-primary">${o.submitLabel}</button>
  <a href="${o.backHref}">Cancel</a>
</form>
</div>`;
}
