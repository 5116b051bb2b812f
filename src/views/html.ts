import escapeHtml from "escape-html";

/** Markup that is already safe: produced by `html` or deliberately marked with `trustedHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** A sentence a page shows: text (escaped where it is put) or markup made with `html` (e.g. with a `<time>` in it). */
export type PageText = string | SafeHtml;

type Interpolation = SafeHtml | string | number | boolean | null | undefined | readonly Interpolation[];

function render(value: Interpolation): string {
  if (value === null || value === undefined || value === false) return "";
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  return escapeHtml(String(value));
}

/** Tagged template: every interpolated value is HTML-escaped unless it is SafeHtml. */
export function html(strings: TemplateStringsArray, ...values: Interpolation[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** For markup we generated ourselves (e.g. the QR code SVG). Never pass user input here. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
