import { describe, expect, test } from "vitest";
import { maskPhone, parsePhoneNumber } from "../../src/auth/phone.ts";

describe("parsePhoneNumber()", () => {
  test.each([
    ["+33 6 12 34 56 78", "+33612345678", "FR"],
    ["+49 1512 3456789", "+4915123456789", "DE"],
    ["+44 7400 123456", "+447400123456", "GB"],
    ["+1 (213) 373-4253", "+12133734253", "US"],
  ])("accepts %j as %s", (input, e164, country) => {
    expect(parsePhoneNumber(input)).toEqual({ ok: true, e164, country });
  });

  test("reads a national number in the default country", () => {
    expect(parsePhoneNumber("07400 123456", "GB")).toEqual({ ok: true, e164: "+447400123456", country: "GB" });
    expect(parsePhoneNumber("06 12 34 56 78", "FR")).toEqual({ ok: true, e164: "+33612345678", country: "FR" });
  });

  test("a leading + wins over the default country", () => {
    expect(parsePhoneNumber("+33 6 12 34 56 78", "US")).toEqual({ ok: true, e164: "+33612345678", country: "FR" });
  });

  test.each(["", "   ", "\t\n"])("%j is empty", (input) => {
    expect(parsePhoneNumber(input)).toEqual({ ok: false, reason: "empty" });
  });

  test.each([
    ["letters", "abc"],
    ["a national number without a default country", "06 12 34 56 78"],
    ["too short", "+33 6 12"],
    ["an extension", "+1 213 373 4253 ext. 12"],
    ["a number inside a sentence", "Call +1 213 373 4253 now"],
    ["a vanity number", "+1-213-FLOWERS"],
    ["padded past the length limit", `+33 6 12 34 56 78${" ".repeat(100)}9`],
    ["5,000 digits", "+".padEnd(5000, "1")],
  ])("%s is invalid", (_label, input) => {
    expect(parsePhoneNumber(input)).toEqual({ ok: false, reason: "invalid" });
  });

  test.each([
    ["+1 800 555 0199", "toll-free"],
    ["+44 909 879 0000", "premium rate"],
    ["+44 20 7946 0958", "fixed line"],
  ])("refuses %s (%s) as not mobile", (input) => {
    expect(parsePhoneNumber(input)).toEqual({ ok: false, reason: "not_mobile" });
  });
});

describe("maskPhone()", () => {
  test("shows only the last two digits", () => {
    expect(maskPhone("+33612345678")).toBe("•••• •••• 78");
    expect(maskPhone("+12133734253")).toBe("•••• •••• 53");
  });

  test("reveals neither the country code nor the length", () => {
    const masked = maskPhone("+4915123456789");
    expect(masked).not.toContain("49");
    expect(masked.replace(/\D/g, "")).toBe("89");
    expect(maskPhone("+4915123456789")).toHaveLength(maskPhone("+33612345678").length);
  });

  test("throws TypeError for something that is not E.164", () => {
    expect(() => maskPhone("06 12 34 56 78")).toThrow(TypeError);
    expect(() => maskPhone("")).toThrow(TypeError);
  });
});
