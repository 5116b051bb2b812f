/** The rules a support reset is recorded under, shared by the console and the CLI. */

/** How the agent verified, out of band, that the caller is the account holder: a closed list. */
export const IDENTITY_CHECKS = {
  video_call: "Video call with photo ID",
  call_back: "Call-back to the phone number on file",
  security_questions: "Answered security questions on file",
  in_person: "In person",
} as const;

export type IdentityCheck = keyof typeof IDENTITY_CHECKS;

export function isIdentityCheck(value: string): value is IdentityCheck {
  return Object.hasOwn(IDENTITY_CHECKS, value);
}

export const RESET_REASON_MIN_LENGTH = 10;
export const RESET_REASON_MAX_LENGTH = 500;

/** The reason as it goes into the audit log (trimmed, line endings normalised), or null when it is too short, too long or has control characters. */
export function parseResetReason(input: string): string | null {
  const reason = input.trim().replace(/\r\n?/g, "\n");
  // biome-ignore lint: control characters other than newline and tab have no place in a reason
  if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(reason)) return null;
  return reason.length >= RESET_REASON_MIN_LENGTH && reason.length <= RESET_REASON_MAX_LENGTH ? reason : null;
}
