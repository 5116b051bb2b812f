import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml, type PageText } from "../../views/html.ts";
import { PHONE_FIELD_MAX_LENGTH } from "../../auth/phone.ts";

export function fallbackPhoneBody(o: { csrfToken: string; changing: boolean; phone?: string; error?: string | null; formError?: PageText | null }): SafeHtml {
  return html`<h1>${o.changing ? "Change fallback phone" : "Add fallback phone"}</h1>
${formError(o.formError)}
<p>If you lose the device you sign in with, a reset code sent to this phone lets you set up two-factor sign-in again yourself. Use a different phone from the one that receives your sign-in codes.</p>
<form method="post" action="/two-factor/fallback/send" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "phone", label: "Fallback phone number", type: "tel", autocomplete: "tel", value: o.phone ?? "", error: o.error, hint: "Include the country code, for example +44 7400 123456.", maxlength: PHONE_FIELD_MAX_LENGTH })}
  <button type="submit" class="button-primary">Send code</button>
</form>
<p><a href="/two-factor">Cancel</a></p>`;
}
