import { DISPLAY_NAME_MAX_LENGTH } from "../../auth/user.ts";
import { type Option, type OptionGroup, selectField } from "../../views/fields.ts";
import { csrfInput, field, formError } from "../../views/form.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { ACCOUNT_MESSAGES as M } from "./account.messages.ts";
import { isTimeZone, UTC_ZONE, ZONE_GROUPS } from "./time-zones.ts";

export interface ProfileView {
  csrfToken: string;
  email: string;
  displayName: string;
  /** The zone chosen on this page ("" or null: the browser's). */
  timeZone: string | null;
  /** An administrator's own console page, where they change their own address. */
  adminPage?: string | null;
  error?: string | null;
  timeZoneError?: string | null;
  formError?: string | null;
}

const GROUPS: readonly OptionGroup[] = ZONE_GROUPS.map((group) => ({ label: group.region, options: group.zones.map(({ zone, place }) => ({ value: zone, label: place })) }));
const FIRST: readonly Option[] = [{ value: "", label: M.timeZoneAutomatic }, { value: UTC_ZONE, label: UTC_ZONE }];

/** "Your browser's time zone", "UTC", then every zone by region; a saved zone this Node no longer lists stays choosable. */
function timeZoneOptions(current: string | null): readonly (Option | OptionGroup)[] {
  const kept = current && !isTimeZone(current) ? [{ value: current, label: current }] : [];
  return [...FIRST, ...kept, ...GROUPS];
}

export function profileBody(o: ProfileView): SafeHtml {
  return html`<h1>Profile</h1>
${formError(o.formError)}
<form method="post" action="/account/profile" class="stack" novalidate>
  ${csrfInput(o.csrfToken)}
  ${field({ name: "name", label: "Display name", autocomplete: "name", value: o.displayName, error: o.error, maxlength: DISPLAY_NAME_MAX_LENGTH })}
  ${selectField({ name: "time_zone", label: "Time zone", hint: M.timeZoneHint, options: timeZoneOptions(o.timeZone), value: o.timeZone ?? "", error: o.timeZoneError, required: false })}
  <button type="submit" class="button-primary">Save</button>
</form>
<h2>E-mail address</h2>
<p>${o.email}</p>
${
  o.adminPage
    ? html`<p class="hint">You can change it on <a href="${o.adminPage}">your page in the support console</a>.</p>`
    : html`<p class="hint">Only an administrator can change the e-mail address you sign in with. Ask support if it has changed.</p>`
}`;
}
