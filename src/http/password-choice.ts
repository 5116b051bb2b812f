import { checkPasswordRules, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../auth/password.ts";

/** The messages for choosing a password, shared by every page that sets one. */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } | null {
  const problem = checkPasswordRules(password);
  if (problem === "too_short") return { password: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (problem === "too_long") return { password: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  if (password !== confirm) return { confirm: "The two passwords do not match." };
  return null;
}
