import { dictionary } from "@zxcvbn-ts/language-common";

let common: Set<string> | null = null;

/**
 * NIST SP 800-63B §3.1.1.2: refuse passwords found in lists of commonly used or breached ones. The
 * list is zxcvbn-ts's "passwords-common" (about 49,000 entries, ranked by how often they occur in
 * leaks), loaded on first use and compared case-insensitively.
 */
export function isCommonPassword(password: string): boolean {
  common ??= new Set((dictionary["passwords-common"] as string[]).map((entry) => entry.toLowerCase()));
  return common.has(password.normalize("NFKC").toLowerCase());
}
