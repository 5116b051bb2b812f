import type { CodeError } from "../auth/factor-code.ts";

/** The messages every code form shares (set-up, sign-in, step-up, fallback, password reset), so wording stays consistent. */
export const MESSAGES = {
  codeFormat: "Enter the six-digit code: six digits, spaces and dashes allowed.",
  codeWrong: "That code is not correct. Check it and try again.",
  codeReused: "That code was already used. Wait for your authenticator app to show the next code, then enter the new one.",
  codeExpired: "This code has expired. Ask for a new code.",
  setupExpired: "The time to enter the code has run out. You will have to restart this process.",
  tooManyCodes: "Too many wrong codes. For your security, sign in again to continue.",
  noCodeSent: "There is no code waiting for you. Ask for a new code.",
  resendReplaces: "A new code replaces the one sent before.",
  resendNow: "You can ask for a new code now.",
  smsFailed: "We could not send the code. Try again.",
  smsRateLimited: "Too many codes have been sent for this number, account or network.",
  smsCountryNotAllowed: "This portal cannot send text messages to that country. Use a number from another country, or an authenticator app.",
  phoneEmpty: "Enter your mobile phone number, starting with + and the country code.",
  phoneInvalid: "This is not a phone number we recognise. Enter it with + and the country code, for example +44 7400 123456.",
  phoneNotMobile: "This number cannot receive text messages. Enter a mobile number.",
  secondFactorLocked: "Too many wrong codes were entered for this account, so two-factor sign-in is paused for 15 minutes. We have e-mailed the account owner.",
} as const;

export const PHONE_ERRORS = { empty: MESSAGES.phoneEmpty, invalid: MESSAGES.phoneInvalid, not_mobile: MESSAGES.phoneNotMobile } as const;

export function resendCooldownMessage(retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  return `You can ask for a new code in ${seconds} second${seconds === 1 ? "" : "s"}.`;
}

/** What a refused code says, by why it was refused. */
export function codeErrorMessage(error: CodeError): string {
  return { wrong: MESSAGES.codeWrong, reused: MESSAGES.codeReused, expired: MESSAGES.codeExpired, too_many: MESSAGES.tooManyCodes, no_challenge: MESSAGES.noCodeSent, locked: MESSAGES.secondFactorLocked }[error];
}

/** The HTTP status for a refused code. */
export function codeErrorStatus(error: CodeError): number {
  return error === "too_many" || error === "locked" ? 429 : 400;
}
