import { randomBytes, randomInt } from "node:crypto";

/** The source of randomness. Injected so tests can make it deterministic where that helps. */
export interface RandomSource {
  bytes(length: number): Buffer;
  /** A uniformly distributed integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

export const cryptoRandom: RandomSource = {
  bytes: (length) => randomBytes(length),
  int: (maxExclusive) => randomInt(maxExclusive),
};

/** A string of `length` decimal digits, each drawn uniformly (no modulo bias). */
export function generateDigits(random: RandomSource, length: number): string {
  if (!Number.isInteger(length) || length < 1) throw new TypeError("length must be a positive integer");
  let out = "";
  for (let i = 0; i < length; i++) out += String(random.int(10));
  return out;
}

/** An opaque token of `byteLength` random bytes, base64url encoded (32 bytes = 256 bits by default). */
export function generateToken(random: RandomSource, byteLength = 32): string {
  return random.bytes(byteLength).toString("base64url");
}
