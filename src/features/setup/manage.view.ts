import type { SecondFactorKind } from "../../db/schema.ts";
import { csrfInput } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { maskedPhone } from "../../views/masked-phone.ts";
import { SETUP_MESSAGES } from "./setup.messages.ts";

export interface ManageView {
  csrfToken: string;
  active: SecondFactorKind | null;
  maskedPhone: string | null;
  maskedFallback: string | null;
  /** Cards of other features shown after the fallback phone (recovery codes). */
  extra?: SafeHtml | null;
}

const METHODS: { kind: SecondFactorKind; name: string; action: string; description: string; manageHref?: string }[] = [
  { kind: "totp", name: "Authenticator app", action: "/two-factor/setup/app", description: "Codes from an app such as Google Authenticator or Microsoft Authenticator." },
  { kind: "sms", name: "SMS", action: "/two-factor/setup/sms", description: "Codes by text message." },
  {
    kind: "webauthn",
    name: "Security key or passkey",
    action: "/two-factor/setup/passkey",
    description: "A passkey on this device (fingerprint, face or PIN) or a security key: nothing to type.",
    manageHref: "/two-factor/passkeys",
  },
];

/** A full session's "Manage Two-Factor Login": the enabled method has "Manage", the other "Set Up Now". */
export function manageBody(o: ManageView): SafeHtml {
  const post = (action: string, label: string, describedBy: string, kind = "button-secondary") =>
    html`<form method="post" action="${action}" class="inline-form">${csrfInput(o.csrfToken)}<button type="submit" class="${kind}" aria-describedby="${describedBy}">${label}</button></form>`;
  // Opening the form changes nothing, so it is a GET (a button, like the methods' buttons).
  const open = (action: string, label: string, kind: string, describedBy?: string) =>
    html`<form method="get" action="${action}" class="inline-form"><button type="submit" class="${kind}"${describedBy ? html` aria-describedby="${describedBy}"` : null}>${label}</button></form>`;
  return html`<h1>Manage Two-Factor Login</h1>
<p>One method is enabled at a time. Setting up another one switches to it once its first code is verified; until then the current one keeps working.</p>
<ul class="methods">
${METHODS.map((m) => {
  const enabled = o.active === m.kind;
  const id = `method-${m.kind}`;
  return html`<li class="method">
  <h2 id="${id}-name">${m.name}</h2>
  <p id="${id}">${enabled ? html`<strong>Enabled.</strong>` : "Disabled."} ${m.description}${enabled && m.kind === "sms" && o.maskedPhone ? html` Codes go to ${maskedPhone(o.maskedPhone)}.` : null}</p>
  ${enabled && m.kind !== "webauthn" ? html`<p class="hint" id="${id}-manage">${m.kind === "totp" ? SETUP_MESSAGES.manageApp : SETUP_MESSAGES.manageSms}</p>` : null}
  ${enabled ? (m.manageHref ? open(m.manageHref, "Manage", "button-secondary", `${id}-name`) : post(m.action, "Manage", `${id}-name ${id}-manage`)) : post(m.action, "Set Up Now", `${id}-name`, "button-primary")}
</li>`;
})}
</ul>
<section aria-labelledby="fallback-heading" class="card">
  <h2 id="fallback-heading">Fallback phone</h2>
  ${
    o.maskedFallback
      ? html`<p>Reset codes go to ${maskedPhone(o.maskedFallback)}.</p>
  <div class="button-row">${open("/two-factor/fallback", "Change fallback phone", "button-secondary")}
  ${post("/two-factor/fallback/remove", "Remove fallback phone", "fallback-heading")}</div>`
      : html`<p>None. A fallback phone lets you reset two-factor sign-in yourself if you lose your device.</p>
  ${open("/two-factor/fallback", "Add fallback phone", "button-primary")}`
  }
</section>
${o.extra ?? null}`;
}
