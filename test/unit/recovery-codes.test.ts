import { describe, expect, it } from "vitest";
import { findRecoveryCode, generateRecoveryCode, hashRecoveryCode, normalizeRecoveryCode, RECOVERY_CODE_ALPHABET } from "../../src/auth/recovery-codes.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { verify } from "@node-rs/argon2";

describe("recovery codes", () => {
  it("generateRecoveryCode(): 10 symbols of a 32-symbol alphabet (50 bits), grouped xxxxx-xxxxx", () => {
    expect(RECOVERY_CODE_ALPHABET).toHaveLength(32);
    expect(new Set(RECOVERY_CODE_ALPHABET).size).toBe(32);
    for (const look of ["0", "O", "1", "I"]) expect(RECOVERY_CODE_ALPHABET).not.toContain(look);
    for (let i = 0; i < 50; i++) expect(generateRecoveryCode(cryptoRandom)).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
  });

  it("normalizeRecoveryCode(): spaces, dashes and case ignored; anything else refused", () => {
    expect(normalizeRecoveryCode(" abcde 23456 ")).toBe("ABCDE23456");
    expect(normalizeRecoveryCode("ABCDE–23456")).toBe("ABCDE23456");
    expect(normalizeRecoveryCode("ABCDE-2345")).toBeNull();
    expect(normalizeRecoveryCode("ABCDE-2345O")).toBeNull();
    expect(normalizeRecoveryCode("")).toBeNull();
  });

  it("hashRecoveryCode(): argon2id at the lower cost; one verification measured", async () => {
    const code = generateRecoveryCode(cryptoRandom);
    const stored = await hashRecoveryCode(code);
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
    const started = performance.now();
    const rounds = 20;
    for (let i = 0; i < rounds; i++) expect(await verify(stored, normalizeRecoveryCode(code)!)).toBe(true);
    // Printed, never asserted (speed depends on the machine): README's security model quotes it.
    console.info(`recovery code verification: ${((performance.now() - started) / rounds).toFixed(1)} ms each`);
    expect(typeof findRecoveryCode).toBe("function");
  });
});
