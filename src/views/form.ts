import { reportPageError } from "./error-summary.ts";
import { html, type PageText, type SafeHtml } from "./html.ts";

export interface FieldOptions {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "tel";
  value?: string;
  autocomplete?: string;
  error?: string | null;
  hint?: string | null;
  required?: boolean;
  inputmode?: "numeric" | "tel" | "email";
  maxlength?: number;
  autofocus?: boolean;
}

/** A labelled input whose hint and error are tied to it with aria-describedby. */
export function field(o: FieldOptions): SafeHtml {
  const id = `field-${o.name}`;
  if (o.error) reportPageError({ message: o.error, fieldId: id });
  const described = [o.hint ? `${id}-hint` : null, o.error ? `${id}-error` : null].filter(Boolean).join(" ");
  return html`<div class="field${o.error ? " field-invalid" : ""}">
  <label for="${id}">${o.label}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : null}
  ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : null}
  <input id="${id}" name="${o.name}" type="${o.type ?? "text"}" value="${o.value ?? ""}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : null}${o.inputmode ? html` inputmode="${o.inputmode}"` : null}${o.maxlength ? html` maxlength="${o.maxlength}"` : null}${described ? html` aria-describedby="${described}"` : null}${o.error ? html` aria-invalid="true"` : null}${o.required === false ? null : html` required`}${o.autofocus ? html` autofocus` : null}>
</div>`;
}

export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** A form-level error: listed in the page's error summary, or shown here when no page is collecting them. */
export function formError(message: PageText | null | undefined): SafeHtml | null {
  if (!message || reportPageError({ message, fieldId: null })) return null;
  return html`<div class="notice notice-error" role="alert">${message}</div>`;
}
