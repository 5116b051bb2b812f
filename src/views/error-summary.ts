import { html, type PageText, type SafeHtml } from "./html.ts";

/**
 * The error summary (GOV.UK Design System pattern): every error a page shows is listed at the top of
 * the page, each linked to its field, and focus lands there, so an error far down a long page is never
 * out of sight. Components report their errors while the page body is rendered; `renderPage` puts the
 * summary above the heading and starts the title with "Error:" (WCAG 2.2 SC 3.3.1, 2.4.2).
 */
export interface PageError {
  message: PageText;
  /** The id of the field to fix, or null for an error about the whole form. */
  fieldId: string | null;
}

let collecting: PageError[] | null = null;

/** Runs a synchronous page render and returns what it rendered with the errors it reported. */
export function collectPageErrors<T>(render: () => T): { rendered: T; errors: PageError[] } {
  const outer = collecting;
  const errors: PageError[] = [];
  collecting = errors;
  try {
    return { rendered: render(), errors };
  } finally {
    collecting = outer;
  }
}

/** Reports an error to the summary; false when nothing is collecting (a view rendered on its own). */
export function reportPageError(error: PageError): boolean {
  if (!collecting) return false;
  if (!collecting.some((known) => String(known.message) === String(error.message) && known.fieldId === error.fieldId)) collecting.push(error);
  return true;
}

/** Focused on load by `autofocus` (before any field's), and by app.js after the page's own scripts. */
export function errorSummary(errors: readonly PageError[]): SafeHtml | null {
  if (errors.length === 0) return null;
  return html`<div class="error-summary" aria-labelledby="error-summary-title" tabindex="-1" autofocus data-error-summary>
  <h2 id="error-summary-title">There is a problem</h2>
  <ul class="error-summary-list">
    ${errors.map((e) => html`<li>${e.fieldId ? html`<a href="#${e.fieldId}">${e.message}</a>` : e.message}</li>`)}
  </ul>
</div>`;
}
