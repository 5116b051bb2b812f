import { reportPageError } from "./error-summary.ts";
import { html, type SafeHtml } from "./html.ts";

/** Labelled choice and multi-line fields, with hint and error tied to them like `field()`'s. */

export interface Option {
  value: string;
  label: string;
}

/** Options under a heading of their own (`<optgroup>`). */
export interface OptionGroup {
  label: string;
  options: readonly Option[];
}

interface Common {
  name: string;
  /** Tells `id`s apart when one page has two forms with a field of the same name. */
  idPrefix?: string;
  label: string;
  error?: string | null;
  hint?: string | null;
}

/** `focusId`: what the error summary links to (a radio group's first button). */
function ids(o: Common, focusId?: string) {
  const id = `${o.idPrefix ?? "field"}-${o.name}`;
  if (o.error) reportPageError({ message: o.error, fieldId: focusId ?? id });
  const describedBy = [o.hint ? `${id}-hint` : null, o.error ? `${id}-error` : null].filter(Boolean).join(" ");
  return { id, describedBy };
}

function notes(id: string, o: Common): SafeHtml {
  return html`${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : null}${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : null}`;
}

/** A required choice of one: radio buttons in a fieldset whose legend is the question. */
export function radioGroup(o: Common & { options: readonly Option[]; value?: string | null }): SafeHtml {
  const { id, describedBy } = ids(o, o.options[0] ? `${o.idPrefix ?? "field"}-${o.name}-${o.options[0].value}` : undefined);
  return html`<fieldset class="field choice-group${o.error ? " field-invalid" : ""}"${describedBy ? html` aria-describedby="${describedBy}"` : null}>
  <legend>${o.label}</legend>
  ${notes(id, o)}
  ${o.options.map(
    (option) => html`<div class="radio">
    <input type="radio" id="${id}-${option.value}" name="${o.name}" value="${option.value}"${option.value === o.value ? html` checked` : null} required${o.error ? html` aria-invalid="true"` : null}>
    <label for="${id}-${option.value}">${option.label}</label>
  </div>`,
  )}
</fieldset>`;
}

function optionTags(options: readonly Option[], value: string | null | undefined): SafeHtml[] {
  return options.map((option) => html`<option value="${option.value}"${option.value === value ? html` selected` : null}>${option.label}</option>`);
}

/** `required: false` when the first option (value "") is a real choice, such as "automatic". */
export function selectField(o: Common & { options: readonly (Option | OptionGroup)[]; value?: string | null; required?: boolean }): SafeHtml {
  const { id, describedBy } = ids(o);
  return html`<div class="field${o.error ? " field-invalid" : ""}">
  <label for="${id}">${o.label}</label>
  ${notes(id, o)}
  <select id="${id}" name="${o.name}"${describedBy ? html` aria-describedby="${describedBy}"` : null}${o.error ? html` aria-invalid="true"` : null}${o.required === false ? null : html` required`}>
    ${o.options.map((option) => ("options" in option ? html`<optgroup label="${option.label}">${optionTags(option.options, o.value)}</optgroup>` : optionTags([option], o.value)))}
  </select>
</div>`;
}

export function textArea(o: Common & { value?: string; minlength?: number; maxlength?: number; rows?: number; required?: boolean }): SafeHtml {
  const { id, describedBy } = ids(o);
  return html`<div class="field${o.error ? " field-invalid" : ""}">
  <label for="${id}">${o.label}</label>
  ${notes(id, o)}
  <textarea id="${id}" name="${o.name}" rows="${o.rows ?? 4}"${o.minlength ? html` minlength="${o.minlength}"` : null}${o.maxlength ? html` maxlength="${o.maxlength}"` : null}${describedBy ? html` aria-describedby="${describedBy}"` : null}${o.error ? html` aria-invalid="true"` : null}${o.required === false ? null : html` required`}>${o.value ?? ""}</textarea>
</div>`;
}
