import type { OutboxEntry } from "../adapters/outbox.ts";
import { html, type SafeHtml } from "./html.ts";
import { timeTag } from "./time.ts";

export function outboxBody(entries: readonly OutboxEntry[]): SafeHtml {
  return html`<h1>Development outbox</h1>
<p>SMS and e-mail that the development senders would have delivered, newest first. This page does not exist in production.</p>
${entries.length === 0 ? html`<p>Nothing has been sent yet.</p>` : html`<ol class="outbox">${entries.map(
    (e) => html`<li><p><strong>${e.channel === "sms" ? "SMS" : "E-mail"}</strong> to ${e.to} at ${timeTag(e.sentAtMs)}</p>
${e.subject ? html`<p>Subject: ${e.subject}</p>` : null}<pre>${e.body}</pre></li>`,
  )}</ol>`}`;
}
