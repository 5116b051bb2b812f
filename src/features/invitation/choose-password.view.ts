import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";

export interface ChoosePasswordErrors {
  form?: string | null;
  name?: string | null;
  email?: string | null;
  password?: string | null;
  confirm?: string | null;
}

/** The invitation page ("Choose your password"); the first-administrator page adds name and email. */
export function choosePasswordBody(o: {
  csrfToken: string;
  action: string;
  heading: string;
  intro: string;
  askIdentity: boolean;
  values?: { name?: string; email?: string };
  errors?: ChoosePasswordErrors;
  submitLabel: string;
}): SafeHtml {
  const e = o.errors ?? {};
  return html`<h1>${o.heading}</h1>
<p>${o.intro}</p>
${formError(e.form)}
<form method="post" action="${o.action}" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${o.askIdentity ? field({ name: "name", label: "Name", autocomplete: "name", value: o.values?.name ?? "", error: e.name, maxlength: 100 }) : null}
  ${o.askIdentity ? field({ name: "email", label: "Email", type: "email", autocomplete: "username", value: o.values?.email ?? "", error: e.email, maxlength: 254 }) : null}
  ${field({ name: "password", label: "Password", type: "password", autocomplete: "new-password", error: e.password, hint: "8 to 128 characters. A long passphrase is best.", maxlength: 1024 })}
  ${field({ name: "confirm", label: "Confirm password", type: "password", autocomplete: "new-password", error: e.confirm, maxlength: 1024 })}
  <button type="submit" class="button-primary">${o.submitLabel}</button>
</form>`;
}
