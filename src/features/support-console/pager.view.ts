import { html, type SafeHtml } from "../../views/html.ts";
import type { PageRequest, PageSpan } from "./user-pages.ts";

/** "Users 51–100 of 1,234" and the "Previous page" / "Next page" links under a long list. */

const count = (n: number) => n.toLocaleString("en-US");

export function rangeText(noun: string, span: PageSpan): string {
  return `${noun} ${count(span.first)}–${count(span.last)} of ${count(span.total)}`;
}

/** Links to the neighbouring pages, continuing from the page's first or last row; none when it is all. */
export function pager(label: string, span: PageSpan, ids: readonly string[], href: (request: PageRequest) => string): SafeHtml | null {
  const previous = span.first > 1 && ids.length > 0;
  const next = span.last < span.total && ids.length > 0;
  if (!previous && !next) return null;
  return html`<nav class="pager" aria-label="${label}">
  ${previous ? html`<a href="${href({ before: ids[0]! })}" rel="prev">Previous page</a>` : null}
  ${next ? html`<a href="${href({ after: ids.at(-1)! })}" rel="next">Next page</a>` : null}
</nav>`;
}
