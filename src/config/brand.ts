import { existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, resolve } from "node:path";
import { normalizeHexColor } from "../views/brand-colors.ts";
import { ConfigError } from "./config-error.ts";

/** public/app.css's accent before branding: the colour a portal without BRAND_COLOR keeps. */
export const DEFAULT_BRAND_COLOR = "#0b5cad";
/** A logo is read into memory once and served from there; a bigger file is a mistake (an unscaled photo). */
export const MAX_LOGO_BYTES = 512 * 1024;
/** Looked for in the data directory, in this order, when neither BRAND_LOGO_URL nor BRAND_LOGO_FILE is set. */
export const LOGO_FILE_NAMES = ["logo.svg", "logo.png"] as const;

export type LogoContentType = "image/svg+xml" | "image/png";

export type BrandLogo =
  /** BRAND_LOGO_URL: pages and e-mails load it from there (the CSP's img-src names its origin). */
  | { kind: "url"; url: URL }
  /** A file the portal serves itself at /assets/brand-logo. */
  | { kind: "file"; path: string; contentType: LogoContentType; bytes: Buffer };

export interface BrandConfig {
  /** BRAND_COLOR as `#rrggbb`; the colours derived from it are checked for contrast (src/views/brand-colors.ts). */
  readonly color: string;
  readonly logo: BrandLogo | null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export function parseBrandColor(value: string | undefined): string {
  const text = value?.trim();
  if (!text) return DEFAULT_BRAND_COLOR;
  const color = normalizeHexColor(text);
  if (!color) throw new ConfigError("BRAND_COLOR", `"${text.slice(0, 40)}" is not a hex colour: use #rgb or #rrggbb, e.g. #0b5cad`);
  return color;
}

/** An absolute https URL; http only for localhost outside production (a developer's own server). */
export function parseLogoUrl(value: string, production: boolean): URL {
  const problem = "must be an absolute https:// URL of an image, e.g. https://cdn.example.com/logo.svg";
  if (value.length > 2048 || !URL.canParse(value)) throw new ConfigError("BRAND_LOGO_URL", problem);
  const url = new URL(value);
  if (url.username || url.password) throw new ConfigError("BRAND_LOGO_URL", "must not contain a user name or password");
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && LOCAL_HOSTS.has(url.hostname)) {
    if (!production) return url;
    throw new ConfigError("BRAND_LOGO_URL", "http:// is only allowed for localhost outside production; use https://");
  }
  throw new ConfigError("BRAND_LOGO_URL", `${problem} (http:// only for localhost in development)`);
}

/** Reads and checks a logo file: an SVG or PNG of at most MAX_LOGO_BYTES. `variable` is named in errors. */
export function readLogoFile(path: string, variable: string): BrandLogo {
  const fail = (problem: string) => new ConfigError(variable, `${path} ${problem}`);
  const type = ({ ".svg": "image/svg+xml", ".png": "image/png" } as const)[extname(path).toLowerCase() as ".svg" | ".png"];
  if (!type) throw fail("is not a logo: use an .svg or .png file");
  if (!existsSync(path)) throw fail("does not exist");
  const stat = statSync(path);
  if (!stat.isFile()) throw fail("is not a file");
  if (stat.size === 0) throw fail("is empty");
  if (stat.size > MAX_LOGO_BYTES) throw fail(`is ${Math.ceil(stat.size / 1024)} KiB; a logo may be at most ${MAX_LOGO_BYTES / 1024} KiB (scale it down)`);
  const bytes = readFileSync(path);
  if (type === "image/png" && !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw fail("is not a PNG image");
  if (type === "image/svg+xml" && !/<svg[\s>]/i.test(bytes.subarray(0, 4096).toString("utf8"))) throw fail("is not an SVG image (no <svg> element near its start)");
  return { kind: "file", path, contentType: type, bytes };
}

/**
 * BRAND_LOGO_URL, or BRAND_LOGO_FILE, or else logo.svg / logo.png in the data directory (beside the
 * embedded database); no logo at all leaves the portal name in the header.
 */
export function parseBrandLogo(env: Record<string, string | undefined>, o: { cwd: string; dataDir: string; production: boolean }): BrandLogo | null {
  const url = env.BRAND_LOGO_URL?.trim();
  const file = env.BRAND_LOGO_FILE?.trim();
  if (url && file) throw new ConfigError("BRAND_LOGO_FILE", "set either BRAND_LOGO_URL or BRAND_LOGO_FILE, not both");
  if (url) return { kind: "url", url: parseLogoUrl(url, o.production) };
  if (file) return readLogoFile(resolve(o.cwd, file), "BRAND_LOGO_FILE");
  const found = LOGO_FILE_NAMES.map((name) => join(o.dataDir, name)).find((path) => existsSync(path));
  return found ? readLogoFile(found, "logo file") : null;
}

export function parseBrand(env: Record<string, string | undefined>, o: { cwd: string; dataDir: string; production: boolean }): BrandConfig {
  return Object.freeze({ color: parseBrandColor(env.BRAND_COLOR), logo: parseBrandLogo(env, o) });
}
