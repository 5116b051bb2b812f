import { checkPasswordRules, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from "../../auth/password.ts";

export const COMMON_PASSWORD_MESSAGE = "This password is one of the most commonly used ones, so attackers try it first. Choose another.";

/** The messages for choosing a password, shared by every page that sets one. */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } | null {
  const problem = checkPasswordRules(password);
  if (problem === "too_short") return { password: `Use at least ${PASSWORD_MIN_LENGTH} characters.` };
  if (problem === "too_long") return { password: `Use at most ${PASSWORD_MAX_LENGTH} characters.` };
  if (problem === "too_common") return { password: COMMON_PASSWORD_MESSAGE };
  if (password !== confirm) return { confirm: "The two passwords do not match." };
  return null;
}

/** A new password must differ from the current one. */
export async function checkReplacementPassword(currentHash: string | null, password: string, confirm: string): Promise<{ password?: string; confirm?: string } | null> {
  const problem = checkNewPassword(password, confirm);
  if (problem) return problem;
  if (currentHash && (await verifyPassword(currentHash, password))) return { password: "Choose a password different from your current one." };
  return null;
}
