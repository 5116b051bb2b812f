import { html, type SafeHtml } from "./html.ts";

/** A time as people read it on any device: "2026-11-29 09:00 UTC". */
export function formatUtc(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/**
 * Every time a page shows: `<time datetime>` with the UTC text (the zone named), which app.js rewrites
 * in the browser's own time zone (progressive enhancement; without JavaScript the reader sees UTC).
 */
export function timeTag(ms: number): SafeHtml {
  return html`<time datetime="${new Date(ms).toISOString()}">${formatUtc(ms)}</time>`;
}
