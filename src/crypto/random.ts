import { randomBytes, randomInt } from "node:crypto";

/** The source of randomness. Injected so tests can make it deterministic where that helps. */
export interface RandomSource {
  bytes(length: number): Buffer;
  /** A uniformly distributed integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/**
 * Small draws (row ids, tokens: 16–32 bytes, several a request) are cut from a 4 KiB block of the
 * CSPRNG's output instead of one system call each — what Node does for crypto.randomUUID(). Each byte
 * is handed out once and wiped from the block when taken.
 */
const POOL_BYTES = 4096;
const POOLED_MAX_BYTES = 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;

function pooledRandomBytes(length: number): Buffer {
  if (length > POOLED_MAX_BYTES) return randomBytes(length);
  if (poolOffset + length > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  const out = Buffer.from(pool.subarray(poolOffset, poolOffset + length));
  pool.fill(0, poolOffset, poolOffset + length);
  poolOffset += length;
  return out;
}

export const cryptoRandom: RandomSource = {
  bytes: pooledRandomBytes,
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
