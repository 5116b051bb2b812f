import { describe, expect, test } from "vitest";
import { constantTimeEqual } from "../../src/crypto/compare.ts";

describe("constantTimeEqual()", () => {
  test("equal strings are equal", () => {
    expect(constantTimeEqual("123456", "123456")).toBe(true);
    expect(constantTimeEqual("", "")).toBe(true);
  });

  test("different strings of the same length are not equal", () => {
    expect(constantTimeEqual("123456", "123457")).toBe(false);
  });

  test("strings of different lengths are not equal and do not throw", () => {
    expect(constantTimeEqual("123456", "1234567")).toBe(false);
    expect(constantTimeEqual("", "a")).toBe(false);
  });

  test("compares Unicode by its UTF-8 bytes", () => {
    expect(constantTimeEqual("café", "café")).toBe(true);
    expect(constantTimeEqual("café", "cafe\u0301")).toBe(false);
  });
});
