import { z } from "zod";

export const EMAIL_MAX_LENGTH = 254; // RFC 5321 §4.5.3.1 path limit

const emailSchema = z.email();

/** Trims; null when it is not a plausible address. */
export function parseEmail(input: string): string | null {
  const email = input.trim();
  if (email.length === 0 || email.length > EMAIL_MAX_LENGTH) return null;
  return emailSchema.safeParse(email).success ? email : null;
}

/** The unique key: emails are unique case-insensitively. */
export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}
