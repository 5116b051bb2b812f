// The "max" metadata is the build that carries number-type patterns; without it getType() is undefined.
import { parsePhoneNumberFromString, type CountryCode, type NumberType } from "libphonenumber-js/max";

export type { CountryCode };

export type PhoneParseFailure = "empty" | "invalid" | "not_mobile";

export type PhoneParseResult = { ok: true; e164: string; country?: string } | { ok: false; reason: PhoneParseFailure };

/** Longer than any real number with its formatting; refuse before parsing. */
const MAX_INPUT_LENGTH = 64;

/**
 * Only numbers that can receive an SMS: premium-rate, toll-free, shared-cost and similar ranges are
 * refused (toll-fraud control), and so are fixed lines (an SMS to a landline is paid for and never
 * read, or read aloud by a text-to-voice gateway). FIXED_LINE_OR_MOBILE stays: in North America a
 * number's type cannot be told from its digits.
 */
const ACCEPTED_TYPES: ReadonlySet<NumberType> = new Set<NumberType>(["MOBILE", "FIXED_LINE_OR_MOBILE"]);

/**
 * Parses a phone number as typed, in any country, to E.164. Without a leading "+", the number is
 * read as a national number of `defaultCountry` (and is invalid when there is none).
 */
export function parsePhoneNumber(input: string, defaultCountry?: CountryCode): PhoneParseResult {
  const text = input.trim();
  if (text === "") return { ok: false, reason: "empty" };
  if (text.length > MAX_INPUT_LENGTH) return { ok: false, reason: "invalid" };
  // extract: false — the whole input must be the number, not "call +1 213 … now".
  const parsed = parsePhoneNumberFromString(text, { defaultCountry, extract: false });
  // An extension cannot receive an SMS.
  if (parsed === undefined || !parsed.isValid() || parsed.ext !== undefined) return { ok: false, reason: "invalid" };
  if (!ACCEPTED_TYPES.has(parsed.getType())) return { ok: false, reason: "not_mobile" };
  return parsed.country === undefined ? { ok: true, e164: parsed.number } : { ok: true, e164: parsed.number, country: parsed.country };
}

const E164_PATTERN = /^\+[1-9]\d{6,14}$/;

/**
 * "•••• •••• 42": only the last two digits are shown, and always the same number of dots so
 * neither the country code nor the length is revealed.
 */
export function maskPhone(e164: string): string {
  if (!E164_PATTERN.test(e164)) throw new TypeError("maskPhone expects an E.164 number");
  return `•••• •••• ${e164.slice(-2)}`;
}

/** The ISO 3166 country of an E.164 number, if it has one (non-geographic numbers have none). */
export function countryOfE164(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

/** The phone fields' `maxlength` (and the form limit): E.164 is at most 15 digits, with room for spaces and a "+". */
export const PHONE_FIELD_MAX_LENGTH = 40;
