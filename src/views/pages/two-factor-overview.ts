import type { SecondFactor } from "../../db/schema.ts";
import { html, type SafeHtml } from "../html.ts";

/** A full session's view of its methods: which one is enabled. */
export function twoFactorOverviewBody(o: { active: SecondFactor | undefined; maskedPhone: string | null }): SafeHtml {
  const state = (kind: SecondFactor["kind"]) => (o.active?.kind === kind ? "Enabled" : "Disabled");
  return html`<h1>Manage Two-Factor Login</h1>
<ul class="methods">
  <li class="method"><h2>Authenticator app</h2><p>${state("totp")}</p></li>
  <li class="method"><h2>SMS</h2><p>${state("sms")}${o.active?.kind === "sms" && o.maskedPhone ? html` — codes go to ${o.maskedPhone}` : null}</p></li>
</ul>`;
}
