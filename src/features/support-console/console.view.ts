import type { Role } from "../../db/schema.ts";
import type { Option } from "../../views/fields.ts";
import { html, type SafeHtml } from "../../views/html.ts";
import { timeTag } from "../../views/time.ts";

/** Wording the support console's pages share. */

export const ROLE_WORDS: Record<Role, string> = { client: "Client", support: "Support agent", admin: "Administrator" };
export const ROLE_OPTIONS: readonly Option[] = (Object.keys(ROLE_WORDS) as Role[]).map((role) => ({ value: role, label: ROLE_WORDS[role] }));

export function statusWords(user: { disabled_at: number | null; password_hash_set: boolean }): string {
  if (user.disabled_at !== null) return "Disabled";
  return user.password_hash_set ? "Active" : "Invited (no password yet)";
}

export const timeText = timeTag;

export function backToSearch(): SafeHtml {
  return html`<p><a href="/admin">Back to user search</a></p>`;
}
