/** Every sentence the recovery-code pages and card show, in one place. */
export const RECOVERY_CODE_MESSAGES = {
  format: "Enter a recovery code: ten letters and digits, like ABCDE-23456. Spaces, dashes and case do not matter.",
  wrong: "That recovery code is not right, or it was already used. Each code works once.",
  taken: "That recovery code was just used. Each code works once: enter another one.",
  locked: "Too many wrong codes were entered for your account. Wait 15 minutes and try again.",
  tooMany: "Too many codes were entered in this session. Sign in again to get new tries.",
  none: "You have no recovery codes. Use your two-factor method, or reset it.",
} as const;

export function codesLeftText(unused: number): string {
  return unused === 1 ? "1 recovery code left." : `${unused} recovery codes left.`;
}
