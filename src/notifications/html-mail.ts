import { NEAR_BLACK, WHITE } from "../views/brand-colors.ts";
import { type BrandAssets, brandAssets, type BrandSource } from "../views/brand.ts";
import { html, type SafeHtml } from "../views/html.ts";

/**
 * The HTML alternative of every e-mail, made at send time from its plain text (which is what the
 * queue stores): the same words, escaped, in paragraphs with clickable links, under a header in the
 * brand colour. Mail clients ignore style sheets and CSP does not apply, so styles are inline; the
 * only remote resource is the logo.
 */

const LINK = /https?:\/\/[^\s<>"']+/g;
/** Punctuation that ends a sentence after a link rather than belonging to it. */
const TRAILING = /[.,;:!?)\]]+$/;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const PAGE_BACKGROUND = "#f6f8fa";
const LINE_COLOR = "#cfd6de";

export interface MailContent {
  subject: string;
  text: string;
}

/** One line of the text: its links as anchors, everything else escaped. */
function lineWithLinks(line: string, linkColor: string): SafeHtml {
  const parts: SafeHtml[] = [];
  let from = 0;
  for (const match of line.matchAll(LINK)) {
    const url = match[0].replace(TRAILING, "");
    parts.push(html`${line.slice(from, match.index)}<a href="${url}" style="color:${linkColor};text-decoration:underline;overflow-wrap:anywhere;">${url}</a>`);
    from = match.index + url.length;
  }
  parts.push(html`${line.slice(from)}`);
  return html`${parts}`;
}

/** Blank lines separate paragraphs; single line breaks stay line breaks. */
function paragraphs(text: string, linkColor: string): SafeHtml[] {
  return text
    .split(/\n\s*\n/)
    .map((block) => block.split("\n"))
    .filter((lines) => lines.some((line) => line.trim()))
    .map((lines) => html`<p style="margin:0 0 16px;">${lines.map((line, index) => html`${index > 0 ? html`<br>` : null}${lineWithLinks(line, linkColor)}`)}</p>\n`);
}

function mailHeader(brand: BrandAssets): SafeHtml {
  const { fill, onFill } = brand.palette;
  // A logo is drawn for a light background (the pages' header is white): it sits on a white plate.
  const mark = brand.logo
    ? html`<span style="display:inline-block;background:${WHITE};border-radius:6px;padding:6px 10px;"><img src="${brand.logo.absoluteUrl}" alt="${brand.portalName}" height="40" style="display:block;height:40px;width:auto;max-width:100%;border:0;"></span>`
    : html`<span style="font-size:20px;font-weight:600;color:${onFill};">${brand.portalName}</span>`;
  return html`<div style="background:${fill};color:${onFill};padding:16px 24px;border-radius:8px 8px 0 0;">${mark}</div>`;
}

export function renderHtmlMail(mail: MailContent, brand: BrandAssets): string {
  return `<!doctype html>\n${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>${mail.subject}</title>
</head>
<body style="margin:0;padding:0;background:${PAGE_BACKGROUND};color:${NEAR_BLACK};font-family:${FONT};font-size:16px;line-height:1.5;">
<div role="article" aria-label="${mail.subject}" style="max-width:600px;margin:0 auto;padding:24px 12px;">
${mailHeader(brand)}
<div style="background:${WHITE};padding:24px 24px 8px;border:1px solid ${LINE_COLOR};border-top:0;border-radius:0 0 8px 8px;">
${paragraphs(mail.text, brand.palette.text)}
</div>
</div>
</body>
</html>`}\n`;
}

/** The HTML alternative for this portal's brand (the mail queue adds it to every message). */
export function htmlMailComposer(source: BrandSource): (mail: MailContent) => string {
  return (mail) => renderHtmlMail(mail, brandAssets(source));
}
