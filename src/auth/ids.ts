import type { RandomSource } from "../crypto/random.ts";

/** A 128-bit random identifier for rows (not a secret). */
export function newId(random: RandomSource): string {
  return random.bytes(16).toString("hex");
}
