import { describe, expect, test } from "vitest";
import { cryptoRandom, generateToken } from "../../src/crypto/random.ts";

describe("cryptoRandom.bytes()", () => {
  test("gives the length asked for, small or large, and never the same bytes twice (across its 4 KiB blocks too)", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2_000; i += 1) {
      const bytes = cryptoRandom.bytes(16);
      expect(bytes).toHaveLength(16);
      seen.add(bytes.toString("hex"));
    }
    expect(seen.size).toBe(2_000);
    expect(cryptoRandom.bytes(1)).toHaveLength(1);
    expect(cryptoRandom.bytes(5_000)).toHaveLength(5_000);
  });

  test("what it hands out is the caller's own: changing it changes no later draw", () => {
    const first = cryptoRandom.bytes(32);
    first.fill(0);
    const next = cryptoRandom.bytes(32);
    expect(next.equals(Buffer.alloc(32))).toBe(false);
  });

  test("draws are spread over all byte values (a crude check that nothing is left zeroed)", () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 400; i += 1) for (const byte of cryptoRandom.bytes(32)) counts[byte]! += 1;
    // 12,800 bytes: each value expected 50 times; none missing, none wildly over.
    expect(Math.min(...counts)).toBeGreaterThan(10);
    expect(Math.max(...counts)).toBeLessThan(110);
  });

  test("generateToken() makes 256-bit base64url tokens", () => {
    expect(generateToken(cryptoRandom)).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
