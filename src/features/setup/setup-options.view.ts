import { csrfInput, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { SETUP_MESSAGES } from "./setup.messages.ts";

/** The forced set-up: the two methods to choose from. */
export function setupOptionsBody(o: { csrfToken: string; error?: string | null }): SafeHtml {
  return html`<h1>Manage Two-Factor Login</h1>
${formError(o.error)}
<p>${SETUP_MESSAGES.setupIntro}</p>
<ul class="choices">
  <li class="choice">
    <form method="post" action="/two-factor/setup/app">
      ${csrfInput(o.csrfToken)}
      <button type="submit" class="button-primary" aria-describedby="choice-app">Authenticator app</button>
    </form>
    <p id="choice-app">Use an app such as Google Authenticator or Microsoft Authenticator. Works without phone signal.</p>
  </li>
  <li class="choice">
    <form method="post" action="/two-factor/setup/sms">
      ${csrfInput(o.csrfToken)}
      <button type="submit" class="button-primary" aria-describedby="choice-sms">SMS</button>
    </form>
    <p id="choice-sms">Receive a code by text message each time you sign in.</p>
  </li>
</ul>`;
}
