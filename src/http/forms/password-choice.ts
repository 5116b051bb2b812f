import { checkPasswordRules, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from "../../auth/password.ts";
import { HTTP_MESSAGES as M } from "../http.messages.ts";

/** The messages for choosing a password, shared by every page that sets one. */
export function checkNewPassword(password: string, confirm: string): { password?: string; confirm?: string } | null {
  const problem = checkPasswordRules(password);
  if (problem === "too_short") return { password: M.passwordTooShort(PASSWORD_MIN_LENGTH) };
  if (problem === "too_long") return { password: M.passwordTooLong(PASSWORD_MAX_LENGTH) };
  if (problem === "too_common") return { password: M.passwordCommon };
  if (password !== confirm) return { confirm: M.passwordsDiffer };
  return null;
}

/** A new password must differ from the current one. */
export async function checkReplacementPassword(currentHash: string | null, password: string, confirm: string): Promise<{ password?: string; confirm?: string } | null> {
  const problem = checkNewPassword(password, confirm);
  if (problem) return problem;
  if (currentHash && (await verifyPassword(currentHash, password))) return { password: M.passwordUnchanged };
  return null;
}
