import { html, type SafeHtml } from "./html.ts";

/** "•••• •••• 88" kept on one line: a mask broken across lines reads as two numbers. */
export function maskedPhone(masked: string): SafeHtml {
  return html`<span class="masked-phone">${masked}</span>`;
}
