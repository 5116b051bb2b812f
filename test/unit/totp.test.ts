import { HOTP, Secret, TOTP, URI } from "otpauth";
import { describe, expect, test } from "vitest";
import {
  buildTotpUri,
  formatKeyInGroups,
  generateTotpCode,
  generateTotpSecret,
  normalizeCode,
  totpSecretToBase32,
  totpStepAt,
  verifyTotp,
} from "../../src/auth/totp.ts";
import type { RandomSource } from "../../src/crypto/random.ts";
import { RFC4226_SECRET, RFC4226_VECTORS } from "./vectors/rfc4226.ts";
import { RFC6238_DIGITS, RFC6238_PERIOD_SECONDS, RFC6238_SEEDS, RFC6238_VECTORS } from "./vectors/rfc6238.ts";

const secret = Buffer.from("12345678901234567890", "ascii");
const periodMs = 30_000;
/** Somewhere inside a step, so ±1 step stays within the same neighbours. */
const nowMs = 1_700_000_015_000;
const step = totpStepAt(nowMs);
const codeAtStep = (s: number): string => generateTotpCode({ secret, nowMs: s * periodMs });

describe("generateTotpCode()", () => {
  test.each(RFC6238_VECTORS)("RFC 6238 Appendix B: $algorithm at $unixSeconds s is $code", (vector) => {
    const code = generateTotpCode({
      secret: RFC6238_SEEDS[vector.algorithm],
      nowMs: vector.unixSeconds * 1000,
      algorithm: vector.algorithm,
      digits: RFC6238_DIGITS,
      periodSeconds: RFC6238_PERIOD_SECONDS,
    });
    expect(code).toBe(vector.code);
  });

  test.each(RFC4226_VECTORS)("RFC 4226 Appendix D: HOTP counter $counter is $code", ({ counter, code }) => {
    // TOTP is HOTP with the counter T (RFC 6238 §4.2): the start of step `counter` yields HOTP(counter).
    expect(generateTotpCode({ secret: RFC4226_SECRET, nowMs: counter * periodMs })).toBe(code);
    // And otpauth's HOTP, the primitive underneath, agrees.
    const otpSecret = new Secret({ buffer: Uint8Array.from(RFC4226_SECRET).buffer });
    expect(HOTP.generate({ secret: otpSecret, counter })).toBe(code);
  });

  test("uses the whole step: any instant inside it gives the same code", () => {
    const start = step * periodMs;
    expect(generateTotpCode({ secret, nowMs: start })).toBe(generateTotpCode({ secret, nowMs: start + periodMs - 1 }));
  });

  test("works with a Buffer that is a view into a larger pool", () => {
    const pooled = Buffer.from(`xxxx${secret.toString("ascii")}`, "ascii").subarray(4);
    expect(generateTotpCode({ secret: pooled, nowMs })).toBe(generateTotpCode({ secret, nowMs }));
  });
});

describe("totpStepAt()", () => {
  test.each(RFC6238_VECTORS.filter((v) => v.algorithm === "SHA1"))("at $unixSeconds s is T = 0x$stepHex", (vector) => {
    expect(totpStepAt(vector.unixSeconds * 1000)).toBe(Number.parseInt(vector.stepHex, 16));
  });

  test("step boundaries: 29.999 s is step 0 and 30 s is step 1", () => {
    expect(totpStepAt(29_999)).toBe(0);
    expect(totpStepAt(30_000)).toBe(1);
  });

  test("honours another period", () => {
    expect(totpStepAt(120_000, 60)).toBe(2);
  });

  test("throws TypeError for misuse", () => {
    expect(() => totpStepAt(Number.NaN)).toThrow(TypeError);
    expect(() => totpStepAt(-1)).toThrow(TypeError);
    expect(() => totpStepAt(0, 0)).toThrow(TypeError);
  });
});

describe("verifyTotp()", () => {
  test.each([-1, 0, 1])("accepts the code of step T%+d and returns that step", (offset) => {
    const result = verifyTotp({ secret, code: codeAtStep(step + offset), nowMs, lastUsedStep: null });
    expect(result).toEqual({ ok: true, step: step + offset });
  });

  test.each([-2, 2])("refuses the code of step T%+d", (offset) => {
    const code = codeAtStep(step + offset);
    // Precondition: the code does not collide by chance with one inside the window.
    expect([-1, 0, 1].map((inWindow) => codeAtStep(step + inWindow))).not.toContain(code);
    expect(verifyTotp({ secret, code, nowMs, lastUsedStep: null })).toEqual({ ok: false });
  });

  test("refuses a replay of the step already used", () => {
    const first = verifyTotp({ secret, code: codeAtStep(step), nowMs, lastUsedStep: null });
    expect(first).toEqual({ ok: true, step });
    expect(verifyTotp({ secret, code: codeAtStep(step), nowMs, lastUsedStep: step })).toEqual({ ok: false });
  });

  test("refuses an earlier step once a later one was used, but accepts the next one", () => {
    expect(verifyTotp({ secret, code: codeAtStep(step - 1), nowMs, lastUsedStep: step })).toEqual({ ok: false });
    expect(verifyTotp({ secret, code: codeAtStep(step + 1), nowMs, lastUsedStep: step })).toEqual({ ok: true, step: step + 1 });
  });

  test("refuses a wrong code, a code of the wrong shape, and another secret's code", () => {
    const right = codeAtStep(step);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyTotp({ secret, code: wrong, nowMs, lastUsedStep: null })).toEqual({ ok: false });
    for (const code of ["", "12345", "1234567", "12 345", "abcdef", `${right} `]) {
      expect(verifyTotp({ secret, code, nowMs, lastUsedStep: null })).toEqual({ ok: false });
    }
    const otherSecret = Buffer.alloc(20, 7);
    expect(verifyTotp({ secret: otherSecret, code: right, nowMs, lastUsedStep: null }).ok).toBe(
      generateTotpCode({ secret: otherSecret, nowMs }) === right,
    );
  });
});

describe("generateTotpSecret()", () => {
  test("draws 20 bytes (160 bits) from the random source", () => {
    const requested: number[] = [];
    const random: RandomSource = { bytes: (n) => (requested.push(n), Buffer.alloc(n, 1)), int: () => 0 };
    expect(generateTotpSecret(random)).toEqual(Buffer.alloc(20, 1));
    expect(requested).toEqual([20]);
  });
});

describe("totpSecretToBase32()", () => {
  test("encodes RFC 4648 base32 without padding", () => {
    expect(totpSecretToBase32(secret)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(totpSecretToBase32(Buffer.from("Hello!\xde\xad\xbe\xef", "latin1"))).toBe("JBSWY3DPEHPK3PXP");
  });
});

describe("formatKeyInGroups()", () => {
  test("splits into groups of four separated by spaces", () => {
    expect(formatKeyInGroups("JBSWY3DPEHPK3PXP")).toBe("JBSW Y3DP EHPK 3PXP");
    expect(formatKeyInGroups("ABCDEF")).toBe("ABCD EF");
    expect(formatKeyInGroups("")).toBe("");
  });
});

describe("buildTotpUri()", () => {
  test("gives an otpauth://totp URI with issuer, account, SHA1, 6 digits and 30 s", () => {
    const uri = buildTotpUri({ issuer: "Acme Portal", accountName: "ana@example.com", secret });
    const url = new URL(uri);
    expect(url.protocol).toBe("otpauth:");
    expect(uri.startsWith("otpauth://totp/Acme%20Portal:ana%40example.com?")).toBe(true);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      issuer: "Acme Portal",
      secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
      algorithm: "SHA1",
      digits: "6",
      period: "30",
    });
  });

  test("round-trips through otpauth's parser to the same codes", () => {
    const parsed = URI.parse(buildTotpUri({ issuer: "Acme Portal", accountName: "ana@example.com", secret }));
    expect(parsed).toBeInstanceOf(TOTP);
    expect(parsed.issuer).toBe("Acme Portal");
    expect(parsed.label).toBe("ana@example.com");
    if (parsed instanceof TOTP) expect(parsed.generate({ timestamp: nowMs })).toBe(generateTotpCode({ secret, nowMs }));
  });

  test("keeps a colon out of the label: TypeError for the issuer, a space in the account name", () => {
    expect(() => buildTotpUri({ issuer: "Acme: Portal", accountName: "ana@example.com", secret })).toThrow(TypeError);
    expect(() => buildTotpUri({ issuer: " ", accountName: "ana@example.com", secret })).toThrow(TypeError);
    const parsed = URI.parse(buildTotpUri({ issuer: "Acme", accountName: "odd:name@example.com", secret }));
    expect(parsed.issuer).toBe("Acme");
    expect(parsed.label).toBe("odd name@example.com");
  });
});

describe("normalizeCode()", () => {
  test.each([
    ["123456", "123456"],
    ["123 456", "123456"],
    ["123-456", "123456"],
    [" 12 34 56 ", "123456"],
    ["123\u00a0456", "123456"],
    ["123\u2013456", "123456"],
    ["\t123456\n", "123456"],
  ])("%j becomes %j", (input, expected) => {
    expect(normalizeCode(input)).toBe(expected);
  });

  test.each(["", "12345", "1234567", "12345a", "abcdef", "123.456", "１２３４５６", "+123456"])("%j is not a code", (input) => {
    expect(normalizeCode(input)).toBeNull();
  });

  test("a huge input is not a code", () => {
    expect(normalizeCode("1".repeat(100_000))).toBeNull();
    expect(normalizeCode(`${" ".repeat(100_000)}123456`)).toBeNull();
  });
});
