import { describe, expect, test } from "vitest";
import { hashChallengeCode, sha256Hex, verifyChallengeCode } from "../../src/crypto/hash.ts";

describe("sha256Hex()", () => {
  test("matches the FIPS 180-2 'abc' example", () => {
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  test("hashes the empty string", () => {
    expect(sha256Hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });
});

describe("hashChallengeCode()", () => {
  test("is the SHA-256 hex of `challengeId:code`", () => {
    expect(hashChallengeCode("ch_1", "123456")).toBe(sha256Hex("ch_1:123456"));
  });

  test("the same code in two challenges has two different hashes", () => {
    expect(hashChallengeCode("ch_1", "123456")).not.toBe(hashChallengeCode("ch_2", "123456"));
  });
});

describe("verifyChallengeCode()", () => {
  const stored = hashChallengeCode("ch_1", "123456");

  test("accepts the code that was stored", () => {
    expect(verifyChallengeCode("ch_1", "123456", stored)).toBe(true);
  });

  test("refuses another code", () => {
    expect(verifyChallengeCode("ch_1", "123457", stored)).toBe(false);
  });

  test("refuses the right code for another challenge", () => {
    expect(verifyChallengeCode("ch_2", "123456", stored)).toBe(false);
  });

  test("refuses a malformed stored hash without throwing", () => {
    expect(verifyChallengeCode("ch_1", "123456", "")).toBe(false);
  });
});
