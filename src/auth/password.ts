import { type Algorithm, hash, verify } from "@node-rs/argon2";
import { isCommonPassword } from "./common-passwords.ts";

/**
 * argon2id at m=19456 KiB, t=2, p=1: the OWASP Password Storage Cheat Sheet's first recommended
 * configuration. Stored as the PHC string, so parameters can be raised later and old hashes still verify.
 */
export const ARGON2ID_OPTIONS = {
  algorithm: 2 as Algorithm, // Argon2id (a const enum in the typings, so spelled as its value)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

// NIST SP 800-63B §3.1.1.2: at least 8 characters, allow at least 64; we allow 128 and never truncate.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = "too_short" | "too_long" | "too_common";

/** Length is counted in Unicode code points, as a person counts characters. */
export function checkPasswordRules(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  if (isCommonPassword(password)) return "too_common";
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return hash(password.normalize("NFKC"), ARGON2ID_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password.normalize("NFKC"));
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the same work as a real verification when there is no user or no password, so an unknown
 * email and a wrong password take comparable time (no account enumeration, OWASP ASVS 2.2).
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword("gatehouse-dummy-password-for-timing");
  await verifyPassword(await dummyHash, password);
  return false;
}
