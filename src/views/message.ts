import { html, type SafeHtml } from "./html.ts";

/** A page that only says something: errors, used links, and the like. */
export function messageBody(o: { heading: string; message: string; link?: { href: string; text: string } }): SafeHtml {
  return html`<h1>${o.heading}</h1>
<p>${o.message}</p>
${o.link ? html`<p><a href="${o.link.href}">${o.link.text}</a></p>` : null}`;
}
