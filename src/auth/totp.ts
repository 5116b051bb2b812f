import { Secret, TOTP } from "otpauth";
import { constantTimeEqual } from "../crypto/compare.ts";
import type { RandomSource } from "../crypto/random.ts";

/**
 * TOTP (RFC 6238) with the parameters Google and Microsoft Authenticator accept:
 * SHA1, 6 digits, 30-second period. The HOTP arithmetic itself comes from `otpauth`.
 */

export const TOTP_ALGORITHM = "SHA1";
export const TOTP_DIGITS = 6;
export const TOTP_PERIOD_SECONDS = 30;
/** 160 bits: RFC 4226 §4 requires at least 128 and recommends 160. */
export const TOTP_SECRET_BYTES = 20;

export type TotpAlgorithm = "SHA1" | "SHA256" | "SHA512";

export type TotpVerification = { ok: true; step: number } | { ok: false };

export function generateTotpSecret(random: RandomSource): Buffer {
  return random.bytes(TOTP_SECRET_BYTES);
}

/** RFC 4648 base32 without padding, the form authenticator apps expect in `secret=`. */
export function totpSecretToBase32(secret: Buffer): string {
  return toOtpSecret(secret).base32;
}

/** "JBSW Y3DP EHPK 3PXP": easier to read aloud and type by hand. */
export function formatKeyInGroups(base32: string): string {
  return (base32.match(/.{1,4}/g) ?? []).join(" ");
}

/**
 * The `otpauth://totp/Issuer:account?issuer=…&secret=…&algorithm=SHA1&digits=6&period=30` URI for
 * the QR code. Google's Key Uri Format forbids a colon in either part of the label (apps split on
 * it), so an issuer with one is a configuration error and one in an account name becomes a space.
 */
export function buildTotpUri(input: { issuer: string; accountName: string; secret: Buffer }): string {
  if (input.issuer.trim() === "" || input.issuer.includes(":")) throw new TypeError("issuer must be non-empty and contain no colon");
  return new TOTP({
    issuer: input.issuer,
    label: input.accountName.replaceAll(":", " "),
    issuerInLabel: true,
    secret: toOtpSecret(input.secret),
    algorithm: TOTP_ALGORITHM,
    digits: TOTP_DIGITS,
    period: TOTP_PERIOD_SECONDS,
  }).toString();
}

/** The time step T = floor(unixSeconds / period) of RFC 6238 §4.2. */
export function totpStepAt(nowMs: number, periodSeconds: number = TOTP_PERIOD_SECONDS): number {
  if (!Number.isFinite(nowMs) || nowMs < 0) throw new TypeError("nowMs must be a non-negative finite number");
  if (!Number.isInteger(periodSeconds) || periodSeconds < 1) throw new TypeError("periodSeconds must be a positive integer");
  return Math.floor(nowMs / (periodSeconds * 1000));
}

/** The code for the time step containing `nowMs`. Parameters other than the defaults exist for the RFC vectors. */
export function generateTotpCode(input: {
  secret: Buffer;
  nowMs: number;
  algorithm?: TotpAlgorithm;
  digits?: number;
  periodSeconds?: number;
}): string {
  const periodSeconds = input.periodSeconds ?? TOTP_PERIOD_SECONDS;
  return TOTP.generate({
    secret: toOtpSecret(input.secret),
    algorithm: input.algorithm ?? TOTP_ALGORITHM,
    digits: input.digits ?? TOTP_DIGITS,
    period: periodSeconds,
    timestamp: totpStepAt(input.nowMs, periodSeconds) * periodSeconds * 1000,
  });
}

/**
 * Checks a six-digit code against the steps T-1, T and T+1. RFC 6238 §5.2 recommends allowing
 * at most one step of network delay / clock drift in each direction; we allow exactly that.
 *
 * Steps at or below `lastUsedStep` are refused so a code is accepted once (RFC 6238 §5.2:
 * "the verifier MUST NOT accept the second attempt of the same OTP"). The caller must persist
 * the returned step with a compare-and-set so two concurrent requests cannot both succeed.
 */
export function verifyTotp(input: {
  secret: Buffer;
  code: string;
  nowMs: number;
  lastUsedStep: number | null;
}): TotpVerification {
  if (!/^\d{6}$/.test(input.code)) return { ok: false };
  const currentStep = totpStepAt(input.nowMs);
  const lastUsedStep = input.lastUsedStep ?? -1;
  let matchedStep: number | null = null;
  // Check every candidate (no early exit); if two steps match by chance, keep the latest, which
  // blocks the most replays.
  for (const step of [currentStep - 1, currentStep, currentStep + 1]) {
    if (step < 0 || step <= lastUsedStep) continue;
    const expected = generateTotpCode({ secret: input.secret, nowMs: step * TOTP_PERIOD_SECONDS * 1000 });
    if (constantTimeEqual(expected, input.code)) matchedStep = step;
  }
  return matchedStep === null ? { ok: false } : { ok: true, step: matchedStep };
}

/**
 * Whether a refused code is the right code of a step inside the window that was already used (a
 * second device in the same 30 s, or a double submit): the user is told to wait for the next code
 * instead of "not correct". Only asked after `verifyTotp` refused, so it grants nothing.
 */
export function isUsedTotpCode(input: { secret: Buffer; code: string; nowMs: number; lastUsedStep: number | null }): boolean {
  if (input.lastUsedStep === null || !/^\d{6}$/.test(input.code)) return false;
  const currentStep = totpStepAt(input.nowMs);
  let used = false;
  for (const step of [currentStep - 1, currentStep, currentStep + 1]) {
    if (step < 0 || step > input.lastUsedStep) continue;
    const expected = generateTotpCode({ secret: input.secret, nowMs: step * TOTP_PERIOD_SECONDS * 1000 });
    if (constantTimeEqual(expected, input.code)) used = true;
  }
  return used;
}

const CODE_SEPARATORS = /[\s\-\u2010-\u2015\u2212]/g;

/**
 * The six digits of a code as typed or pasted ("123 456", "123-456"), or null when what remains
 * is not exactly six ASCII digits. Used for every code field.
 */
export function normalizeCode(input: string): string | null {
  if (input.length > 64) return null;
  const digits = input.replace(CODE_SEPARATORS, "");
  return /^\d{6}$/.test(digits) ? digits : null;
}

function toOtpSecret(secret: Buffer): Secret {
  if (secret.length === 0) throw new TypeError("a TOTP secret cannot be empty");
  // Copy into a fresh ArrayBuffer: a Buffer may be a view into a larger shared pool.
  return new Secret({ buffer: Uint8Array.from(secret).buffer });
}
