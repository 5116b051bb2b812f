import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { DISPLAY_NAME_MAX_LENGTH } from "../../auth/user.ts";
import { selectField } from "../../views/fields.ts";
import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { backToSearch, ROLE_OPTIONS, ROLE_WORDS } from "./console.view.ts";
import type { Role } from "../../db/schema.ts";

export interface CreateUserForm {
  csrfToken: string;
  values?: { email?: string; name?: string; role?: string };
  errors?: { email?: string; name?: string; role?: string; form?: string };
}

/** Administrators invite a user: no password is set here, the user chooses it through the link. */
export function createUserBody(o: CreateUserForm): SafeHtml {
  const values = o.values ?? {};
  const errors = o.errors ?? {};
  return html`<div class="console">
<h1>Create user</h1>
${backToSearch()}
<p>The new user is e-mailed an invitation link to choose a password, then sets up two-factor sign-in.</p>
${formError(errors.form)}
<form method="post" action="/admin/users" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "email", label: "Email", type: "email", autocomplete: "off", value: values.email ?? "", maxlength: EMAIL_MAX_LENGTH, error: errors.email })}
  ${field({ name: "name", label: "Name", autocomplete: "off", value: values.name ?? "", maxlength: DISPLAY_NAME_MAX_LENGTH, error: errors.name })}
  ${selectField({ name: "role", label: "Role", options: ROLE_OPTIONS, value: values.role ?? "client", error: errors.role })}
  <button type="submit" class="button-primary">Create user</button>
</form>
</div>`;
}

/** Shown once: the link is not stored (only its hash is), so it cannot be shown again. */
export function userCreatedBody(o: { userId: string; email: string; name: string; role: Role; inviteUrl: string }): SafeHtml {
  return html`<div class="console">
<h1>User created</h1>
<p>${o.name} (${o.email}) was created as ${ROLE_WORDS[o.role].toLowerCase()}. We are e-mailing them this invitation link. It works once, expires in 72 hours, and is shown only now, in case you need to pass it on another way:</p>
<p class="invite-link"><code>${o.inviteUrl}</code></p>
<ul>
  <li><a href="/admin/users/${o.userId}">Open ${o.name}'s page</a></li>
  <li><a href="/admin/users/new">Create another user</a></li>
  <li><a href="/admin">Back to user search</a></li>
</ul>
</div>`;
}
