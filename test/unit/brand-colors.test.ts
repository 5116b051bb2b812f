import fc from "fast-check";
import { describe, expect, test } from "vitest";
import {
  brandPalette,
  contrastRatio,
  darken,
  darkenUntil,
  LIGHT_BACKGROUNDS,
  NEAR_BLACK,
  normalizeHexColor,
  relativeLuminance,
  WHITE,
} from "../../src/views/brand-colors.ts";

describe("relativeLuminance() and contrastRatio() (WCAG 2.1)", () => {
  test("black is 0 and white is 1", () => {
    expect(relativeLuminance("#000000")).toBe(0);
    expect(relativeLuminance("#ffffff")).toBe(1);
  });

  // Published figures (WebAIM's contrast checker, rounded to two decimals as it shows them).
  test.each([
    ["#000000", "#ffffff", 21],
    ["#777777", "#ffffff", 4.48], // the grey that just fails 4.5:1
    ["#767676", "#ffffff", 4.54], // the lightest grey that passes
    ["#ffff00", "#ffffff", 1.07],
    ["#ffff00", "#000000", 19.56],
    ["#eeeeee", "#ffffff", 1.16],
    ["#000080", "#ffffff", 16.01],
    ["#0b5cad", "#ffffff", 6.67],
  ])("%s against %s is %s:1, whichever comes first", (a, b, ratio) => {
    expect(contrastRatio(a, b)).toBeCloseTo(ratio, 2);
    expect(contrastRatio(b, a)).toBe(contrastRatio(a, b));
  });

  test("a colour against itself is 1:1", () => {
    expect(contrastRatio("#3a7bd5", "#3a7bd5")).toBe(1);
  });
});

describe("normalizeHexColor()", () => {
  test.each([
    ["#0B5CAD", "#0b5cad"],
    ["#fe0", "#ffee00"],
    ["#FFF", "#ffffff"],
  ])("%s is %s", (input, expected) => expect(normalizeHexColor(input)).toBe(expected));

  test.each(["0b5cad", "#0b5cad0", "#12", "#ggg", "red", "rgb(0,0,0)", "#0b5cadff", ""])("%j is not a hex colour", (input) => {
    expect(normalizeHexColor(input)).toBeNull();
  });

  test("misuse (not a colour) throws a TypeError in the maths", () => {
    expect(() => relativeLuminance("blue")).toThrow(TypeError);
    expect(() => brandPalette("#12")).toThrow(TypeError);
  });
});

describe("darken() and darkenUntil()", () => {
  test("darken() mixes toward black", () => {
    expect(darken("#ffffff", 0)).toBe("#ffffff");
    expect(darken("#ffffff", 0.5)).toBe("#808080");
    expect(darken("#ff8800", 1)).toBe("#000000");
  });

  test("a colour that already passes is kept; one that fails is darkened just enough", () => {
    expect(darkenUntil("#767676", [WHITE])).toBe("#767676");
    const darker = darkenUntil("#777777", [WHITE]);
    expect(darker).not.toBe("#777777");
    expect(contrastRatio(darker, WHITE)).toBeGreaterThanOrEqual(4.5);
    expect(relativeLuminance(darker)).toBeGreaterThan(relativeLuminance("#5a5a5a")); // one 5 % step, not black
  });
});

describe("brandPalette()", () => {
  test("the default accent keeps every colour as it was", () => {
    expect(brandPalette("#0b5cad")).toEqual({ brand: "#0b5cad", text: "#0b5cad", fill: "#0b5cad", onFill: WHITE });
  });

  test("yellow #ffff00: dark text on the yellow button, a darkened yellow for links", () => {
    const palette = brandPalette("#ffff00");
    expect(palette.fill).toBe("#ffff00");
    expect(palette.onFill).toBe(NEAR_BLACK);
    expect(palette.text).not.toBe("#ffff00");
    for (const background of LIGHT_BACKGROUNDS) expect(contrastRatio(palette.text, background)).toBeGreaterThanOrEqual(4.5);
  });

  test("light grey #eeeeee: near-black on the fill, a dark grey for links", () => {
    const palette = brandPalette("#eeeeee");
    expect(palette).toMatchObject({ fill: "#eeeeee", onFill: NEAR_BLACK });
    expect(contrastRatio(palette.text, "#f6f8fa")).toBeGreaterThanOrEqual(4.5);
  });

  test("#777777: neither white nor near-black reaches 4.5:1 on it, so the fill is darkened until white does", () => {
    expect(contrastRatio(WHITE, "#777777")).toBeLessThan(4.5);
    expect(contrastRatio(NEAR_BLACK, "#777777")).toBeLessThan(4.5);
    const palette = brandPalette("#777777");
    expect(palette.onFill).toBe(WHITE);
    expect(palette.fill).not.toBe("#777777");
    expect(contrastRatio(WHITE, palette.fill)).toBeGreaterThanOrEqual(4.5);
  });

  test.each([
    ["#000000", "black"],
    ["#000080", "navy"],
  ])("%s (%s) is used as it is, with white on the fill", (color) => {
    expect(brandPalette(color)).toEqual({ brand: color, text: color, fill: color, onFill: WHITE });
  });

  test("every derived pair reaches 4.5:1, for any colour (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (value) => {
        const color = `#${value.toString(16).padStart(6, "0")}`;
        const palette = brandPalette(color);
        expect(palette.brand).toBe(color);
        for (const background of LIGHT_BACKGROUNDS) expect(contrastRatio(palette.text, background)).toBeGreaterThanOrEqual(4.5);
        expect(contrastRatio(palette.onFill, palette.fill)).toBeGreaterThanOrEqual(4.5);
        // Darkening only: the hue's light colours get darker, never lighter.
        expect(relativeLuminance(palette.text)).toBeLessThanOrEqual(relativeLuminance(color));
        expect(relativeLuminance(palette.fill)).toBeLessThanOrEqual(relativeLuminance(color));
      }),
      { numRuns: 5_000 },
    );
  });
});
