/**
 * Colour contrast for the brand colour (pure). WCAG 2.1: relative luminance and contrast ratio
 * (§1.4.3 "Contrast (Minimum)": 4.5:1 for normal text; §1.4.11 "Non-text Contrast": 3:1 for UI parts).
 * A colour is `#rrggbb` in lower case throughout.
 */

export const TEXT_CONTRAST_MIN = 4.5;
export const WHITE = "#ffffff";
/** The page's own ink (public/app.css --ink): the dark choice for text on a light brand fill. */
export const NEAR_BLACK = "#1b1f24";
/** Where brand-coloured text and links sit: cards and fields (white) and the page (--bg). */
export const LIGHT_BACKGROUNDS: readonly string[] = [WHITE, "#f6f8fa"];
/** How far each darkening step mixes toward black. */
const DARKEN_STEP = 0.05;

type Rgb = readonly [number, number, number];

const mapRgb = (rgb: Rgb, f: (channel: number) => number): Rgb => [f(rgb[0]), f(rgb[1]), f(rgb[2])];

/** `#rgb` or `#rrggbb` (any case) as `#rrggbb`; null for anything else. */
export function normalizeHexColor(value: string): string | null {
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/i.exec(value);
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`.toLowerCase();
  return /^#[0-9a-f]{6}$/i.test(value) ? value.toLowerCase() : null;
}

function toRgb(color: string): Rgb {
  const hex = normalizeHexColor(color);
  if (!hex) throw new TypeError(`not a hex colour: ${JSON.stringify(color)}`);
  const channel = (at: number) => Number.parseInt(hex.slice(at, at + 2), 16);
  return [channel(1), channel(3), channel(5)];
}

function toHex(rgb: Rgb): string {
  return `#${rgb.map((channel) => Math.round(channel).toString(16).padStart(2, "0")).join("")}`;
}

/** WCAG 2.1 relative luminance: 0 for black, 1 for white. */
export function relativeLuminance(color: string): number {
  const [r, g, b] = mapRgb(toRgb(color), (channel) => {
    const c = channel / 255;
    // WCAG 2.1 writes 0.03928; sRGB's 0.04045 gives the same result for every 8-bit value.
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2.1 contrast ratio, from 1 (same) to 21 (black on white); the order of the colours does not matter. */
export function contrastRatio(a: string, b: string): number {
  const [la, lb] = [relativeLuminance(a), relativeLuminance(b)];
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/** `color` mixed toward black by `amount` (0 = unchanged, 1 = black). */
export function darken(color: string, amount: number): string {
  return toHex(mapRgb(toRgb(color), (channel) => channel * (1 - amount)));
}

/**
 * `color` darkened step by step until it has at least `minRatio` against every background. Ends at
 * black at the latest, which has at least 19:1 against the light backgrounds used here.
 */
export function darkenUntil(color: string, backgrounds: readonly string[], minRatio = TEXT_CONTRAST_MIN): string {
  for (let step = 0; step * DARKEN_STEP < 1; step += 1) {
    const candidate = darken(color, step * DARKEN_STEP);
    if (backgrounds.every((background) => contrastRatio(candidate, background) >= minRatio)) return candidate;
  }
  return "#000000";
}

export interface BrandPalette {
  /** The configured colour, unchanged: decoration only (the header's stripe), never text. */
  brand: string;
  /** Text, links, outlined buttons and the focus ring: ≥ 4.5:1 on every light background. */
  text: string;
  /** A filled button's (and the e-mail header's) background. */
  fill: string;
  /** Text on `fill`: ≥ 4.5:1 against it. */
  onFill: string;
}

/**
 * The colours a brand colour gives the pages and e-mails. Text on a fill is white or near-black,
 * whichever contrasts more; when neither reaches 4.5:1 (mid-tones such as #777777) the fill is
 * darkened until white does.
 */
export function brandPalette(color: string): BrandPalette {
  const brand = normalizeHexColor(color);
  if (!brand) throw new TypeError(`not a hex colour: ${JSON.stringify(color)}`);
  const text = darkenUntil(brand, LIGHT_BACKGROUNDS);
  const onFill = contrastRatio(WHITE, brand) >= contrastRatio(NEAR_BLACK, brand) ? WHITE : NEAR_BLACK;
  if (contrastRatio(onFill, brand) >= TEXT_CONTRAST_MIN) return { brand, text, fill: brand, onFill };
  return { brand, text, fill: darkenUntil(brand, [WHITE]), onFill: WHITE };
}
