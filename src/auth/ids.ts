import type { RandomSource } from "../crypto/random.ts";

/** A 128-bit random identifier for rows (not a secret). */
export function newId(random: RandomSource): string {
  return random.bytes(16).toString("hex");
}

/** What newId() makes: checked before an id from a URL reaches a query. */
export const ID_PATTERN = /^[0-9a-f]{32}$/;

export function isId(value: string): boolean {
  return ID_PATTERN.test(value);
}
