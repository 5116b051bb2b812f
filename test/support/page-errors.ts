/** What a page's error summary lists (see src/views/error-summary.ts), as text, in order. */
export function errorSummaryOf(body: string): string[] {
  const summary = /<div class="error-summary"[\s\S]*?<ul class="error-summary-list">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? "";
  return [...summary.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => decode(m[1]!.replace(/<[^>]+>/g, "").trim()));
}

/** The first error of the summary (what a refused form says), or undefined. */
export function firstErrorOf(body: string): string | undefined {
  return errorSummaryOf(body)[0];
}

/** The summary's links: the id each error sends focus to, or null for a form-level error. */
export function errorLinksOf(body: string): (string | null)[] {
  const summary = /<ul class="error-summary-list">([\s\S]*?)<\/ul>/.exec(body)?.[1] ?? "";
  return [...summary.matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => /href="#([^"]+)"/.exec(m[1]!)?.[1] ?? null);
}

export function titleOf(body: string): string {
  return decode(/<title>([\s\S]*?)<\/title>/.exec(body)?.[1] ?? "");
}

/** The text of the page's role="status" region. */
export function statusOf(body: string): string {
  return decode((/<div role="status"[^>]*>([\s\S]*?)<\/div>/.exec(body)?.[1] ?? "").trim());
}

function decode(text: string): string {
  return text.replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
