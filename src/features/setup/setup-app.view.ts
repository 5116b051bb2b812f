import { codeForm, type Deadline } from "../../views/code-form.ts";
import type { SecondFactorKind } from "../../db/schema.ts";
import { html, type SafeHtml, trustedHtml } from "../../views/html.ts";
import { SETUP_MESSAGES } from "./setup.messages.ts";

export function setupAppBody(o: { csrfToken: string; qrSvg: string; keyInGroups: string; deadline: Deadline; current: SecondFactorKind | null; error?: string | null }): SafeHtml {
  const now = o.current === "totp" ? SETUP_MESSAGES.replacingApp : o.current === "sms" ? SETUP_MESSAGES.switchingToApp : null;
  return html`<h1>Set up your authenticator app</h1>
${now ? html`<p class="notice">${now}</p>` : null}
<ol class="steps">
  <li>Open your authenticator app and add an account.</li>
  <li>Scan this QR code with it.</li>
</ol>
<div class="qr">${trustedHtml(o.qrSvg)}</div>
<h2>Can't scan? Enter this key</h2>
<p class="secret-key"><code>${o.keyInGroups}</code></p>
<p class="hint">Choose a time-based key if your app asks.</p>
<h2>Enter the code from your app</h2>
${codeForm({ action: "/two-factor/setup/app/verify", csrfToken: o.csrfToken, error: o.error, deadline: o.deadline, hint: "The app shows a new six-digit code every 30 seconds." })}
<p><a href="/two-factor">Choose another method</a></p>`;
}
