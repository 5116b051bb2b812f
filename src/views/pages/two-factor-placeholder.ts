import { html, type SafeHtml } from "../html.ts";

// Until the second-factor methods land, the pending stage ends here: the user cannot go further.
export function twoFactorPlaceholderBody(): SafeHtml {
  return html`<h1>Manage Two-Factor Login</h1>
<p>Your password is verified. Two-factor sign-in must be set up before you can use the portal.</p>
<p>Setting up a second factor is not available yet on this portal. Please contact support.</p>`;
}
