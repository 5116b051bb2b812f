import { IDENTITY_CHECKS, RESET_REASON_MAX_LENGTH, RESET_REASON_MIN_LENGTH } from "../../auth/support-reset.ts";
import type { ResetRefusal } from "./user-admin.service.ts";
import type { Role } from "../../db/schema.ts";
import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { radioGroup, selectField, textArea } from "../../views/fields.ts";
import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { ROLE_OPTIONS } from "./console.view.ts";

const IDENTITY_OPTIONS = Object.entries(IDENTITY_CHECKS).map(([value, label]) => ({ value, label }));

export interface ResetFormState {
  identityCheck?: string | null;
  reason?: string;
  errors?: { identityCheck?: string; reason?: string; form?: string };
}

export interface AdminActionsView {
  csrfToken: string;
  target: { id: string; email: string; role: Role; disabled: boolean; hasMethod: boolean };
  agent: { isAdmin: boolean; isSelf: boolean; resetRefusal: ResetRefusal | null; stepUpFresh: boolean };
  reset: ResetFormState;
  roleError?: string | null;
  /** The "Change email" form sent back with its error. */
  emailForm?: { value: string; error: string } | null;
}

/** "Reset two-factor" for support, and, for administrators, the email address, role and disable/enable. */
export function adminActions(o: AdminActionsView): SafeHtml {
  return html`${resetSection(o)}${o.agent.isAdmin ? html`${emailSection(o)}${administration(o)}` : null}`;
}

function emailSection(o: AdminActionsView): SafeHtml {
  const { target, emailForm } = o;
  return html`<section aria-labelledby="email-heading" class="card">
  <h2 id="email-heading">Email address</h2>
  <form method="post" action="/admin/users/${target.id}/email" class="stack" novalidate>
    ${csrfInput(o.csrfToken)}
    ${field({
      name: "email",
      label: "Email",
      type: "email",
      autocomplete: "off",
      value: emailForm?.value ?? target.email,
      maxlength: EMAIL_MAX_LENGTH,
      error: emailForm?.error,
      hint: "The address the user signs in with and where password-reset links go. Both the old and the new address are told about a change; the user stays signed in.",
    })}
    <button type="submit" class="button-secondary">Change email</button>
  </form>
</section>`;
}

function resetSection(o: AdminActionsView): SafeHtml {
  const { agent, target, reset } = o;
  let content: SafeHtml;
  if (agent.resetRefusal === "own_account") content = html`<p>This is your own account. Change your own two-factor sign-in on <a href="/two-factor">Manage Two-Factor</a>.</p>`;
  else if (agent.resetRefusal === "outranked") content = html`<p>Only an administrator can reset an administrator's two-factor sign-in.</p>`;
  else if (!target.hasMethod) content = html`<p>This user has no two-factor method: there is nothing to reset. They set one up at their next sign-in.</p>`;
  else
    content = html`<p id="reset-effect">This removes the user's two-factor methods and ends all their sessions. They set up two-factor sign-in again at their next sign-in, and are e-mailed about the reset.</p>
  ${agent.stepUpFresh ? null : html`<p>Before the reset you will be asked for a code from your own two-factor method. What you fill in here is kept, and the reset is done as soon as the code is verified.</p>`}
  ${formError(reset.errors?.form ?? (reset.errors?.identityCheck || reset.errors?.reason ? "Nothing was reset. Correct the fields below and try again." : null))}
  <form method="post" action="/admin/users/${target.id}/reset-2fa" class="stack" novalidate>
    ${csrfInput(o.csrfToken)}
    ${radioGroup({ name: "identity_check", label: "Identity check used", options: IDENTITY_OPTIONS, value: reset.identityCheck ?? null, error: reset.errors?.identityCheck })}
    ${textArea({
      name: "reason",
      label: "Reason",
      hint: `Why the reset is needed, in ${RESET_REASON_MIN_LENGTH} to ${RESET_REASON_MAX_LENGTH} characters. It is kept in the audit log.`,
      value: reset.reason ?? "",
      maxlength: RESET_REASON_MAX_LENGTH,
      error: reset.errors?.reason,
    })}
    <button type="submit" class="button-primary" aria-describedby="reset-effect">Reset two-factor</button>
  </form>`;
  return html`<section aria-labelledby="reset-heading" class="card">
  <h2 id="reset-heading">Reset two-factor</h2>
  ${content}
</section>`;
}

function administration(o: AdminActionsView): SafeHtml {
  const { target, agent } = o;
  const post = (action: string, label: string, describedBy: string) =>
    html`<form method="post" action="/admin/users/${target.id}/${action}">${csrfInput(o.csrfToken)}<button type="submit" class="button-secondary" aria-describedby="${describedBy}">${label}</button></form>`;
  if (agent.isSelf) {
    return html`<section aria-labelledby="admin-heading" class="card">
  <h2 id="admin-heading">Administration</h2>
  <p>You cannot change your own role or disable your own account, so the portal always keeps an administrator. Ask another administrator.</p>
</section>`;
  }
  return html`<section aria-labelledby="admin-heading" class="card">
  <h2 id="admin-heading">Administration</h2>
  <form method="post" action="/admin/users/${target.id}/role" class="stack">
    ${csrfInput(o.csrfToken)}
    ${selectField({ name: "role", label: "Role", options: ROLE_OPTIONS, value: target.role, error: o.roleError, hint: "Support agents can look users up and reset their two-factor; administrators can also manage users." })}
    <button type="submit" class="button-secondary">Change role</button>
  </form>
  ${
    target.disabled
      ? html`<p id="enable-effect">The user cannot sign in while disabled.</p>${post("enable", "Enable user", "enable-effect")}`
      : html`<p id="disable-effect">Disabling ends all the user's sessions at once; they cannot sign in until enabled again.</p>${post("disable", "Disable user", "disable-effect")}`
  }
</section>`;
}
