import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { DEFAULT_BRAND_COLOR, MAX_LOGO_BYTES } from "../../src/config/brand.ts";
import { type Config, ConfigError, parseConfig } from "../../src/config/config.ts";

const KEY = Buffer.alloc(32, 3).toString("base64");
const SVG = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 40"><rect width="120" height="40"/></svg>\n';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

let cwd: string;
beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), "gatehouse-brand-"));
});
afterEach(() => rmSync(cwd, { recursive: true, force: true }));

const parse = (env: Record<string, string>): Config => parseConfig({ SECRET_KEY: KEY, ...env }, { cwd, fallbackSecretKey: null });

/** The message of the ConfigError that parsing `env` throws. */
function errorOf(env: Record<string, string>): string {
  try {
    parse(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigError, but the configuration was accepted");
}

describe("BRAND_COLOR", () => {
  test("defaults to public/app.css's accent, which the stylesheet's defaults name too", () => {
    expect(parse({}).brand).toEqual({ color: DEFAULT_BRAND_COLOR, logo: null });
    const css = readFileSync(new URL("../../public/app.css", import.meta.url), "utf8");
    for (const property of ["--brand", "--brand-text", "--brand-fill"]) expect(css).toContain(`${property}: ${DEFAULT_BRAND_COLOR};`);
  });

  test.each([
    ["#FFEB3B", "#ffeb3b"],
    ["#fe0", "#ffee00"],
    [" #123456 ", "#123456"],
  ])("%j is read as %s", (value, color) => {
    expect(parse({ BRAND_COLOR: value }).brand.color).toBe(color);
  });

  test.each(["red", "ffeb3b", "#ffeb3", "#ffeb3bff", "rgb(255, 235, 59)", "#ggg"])("%j stops start-up with a sentence naming BRAND_COLOR", (value) => {
    expect(errorOf({ BRAND_COLOR: value })).toMatch(/^BRAND_COLOR: .* is not a hex colour: use #rgb or #rrggbb/);
  });
});

describe("BRAND_LOGO_URL", () => {
  test("an https URL is the logo, in development and production", () => {
    for (const NODE_ENV of ["development", "production"]) {
      const logo = parse({ BRAND_LOGO_URL: "https://cdn.example.com/acme/logo.svg", NODE_ENV }).brand.logo;
      expect(logo).toEqual({ kind: "url", url: new URL("https://cdn.example.com/acme/logo.svg") });
    }
  });

  test("http is allowed for localhost in development only", () => {
    expect(parse({ BRAND_LOGO_URL: "http://localhost:8080/logo.png" }).brand.logo).toMatchObject({ kind: "url" });
    expect(parse({ BRAND_LOGO_URL: "http://127.0.0.1/logo.png" }).brand.logo).toMatchObject({ kind: "url" });
    expect(errorOf({ BRAND_LOGO_URL: "http://localhost:8080/logo.png", NODE_ENV: "production" })).toMatch(/^BRAND_LOGO_URL: http:\/\/ is only allowed for localhost outside production/);
  });

  test.each([
    ["http://cdn.example.com/logo.svg", /must be an absolute https:\/\/ URL/],
    ["/logo.svg", /must be an absolute https:\/\/ URL/],
    ["logo.svg", /must be an absolute https:\/\/ URL/],
    ["javascript:alert(1)", /must be an absolute https:\/\/ URL/],
    ["data:image/svg+xml,<svg/>", /must be an absolute https:\/\/ URL/],
    ["ftp://cdn.example.com/logo.svg", /must be an absolute https:\/\/ URL/],
    ["https://user:secret@cdn.example.com/logo.svg", /must not contain a user name or password/],
  ])("%j is refused", (value, problem) => {
    const message = errorOf({ BRAND_LOGO_URL: value });
    expect(message).toMatch(/^BRAND_LOGO_URL: /);
    expect(message).toMatch(problem);
  });

  test("BRAND_LOGO_URL and BRAND_LOGO_FILE together are refused", () => {
    expect(errorOf({ BRAND_LOGO_URL: "https://cdn.example.com/logo.svg", BRAND_LOGO_FILE: "logo.svg" })).toBe("BRAND_LOGO_FILE: set either BRAND_LOGO_URL or BRAND_LOGO_FILE, not both");
  });
});

describe("a logo file", () => {
  test("logo.svg in the data directory (beside the SQLite database) is found and read", () => {
    mkdirSync(join(cwd, "db"));
    writeFileSync(join(cwd, "db", "logo.svg"), SVG);
    const logo = parse({ DATABASE_URL: "sqlite:./db/portal.db" }).brand.logo;
    expect(logo).toEqual({ kind: "file", path: join(cwd, "db", "logo.svg"), contentType: "image/svg+xml", bytes: Buffer.from(SVG) });
  });

  test("without a database file (PostgreSQL) the data directory is ./data; logo.svg wins over logo.png", () => {
    mkdirSync(join(cwd, "data"));
    writeFileSync(join(cwd, "data", "logo.png"), Buffer.concat([PNG_SIGNATURE, Buffer.alloc(40)]));
    const env = { DATABASE_URL: "postgres://gatehouse@db.example.com/gatehouse" };
    expect(parse(env).brand.logo).toMatchObject({ kind: "file", contentType: "image/png" });
    writeFileSync(join(cwd, "data", "logo.svg"), SVG);
    expect(parse(env).brand.logo).toMatchObject({ kind: "file", contentType: "image/svg+xml" });
  });

  test("BRAND_LOGO_URL wins over a file in the data directory", () => {
    mkdirSync(join(cwd, "data"));
    writeFileSync(join(cwd, "data", "logo.svg"), SVG);
    expect(parse({ BRAND_LOGO_URL: "https://cdn.example.com/logo.svg" }).brand.logo).toMatchObject({ kind: "url" });
  });

  test("BRAND_LOGO_FILE names a file (relative to the working directory)", () => {
    writeFileSync(join(cwd, "acme.svg"), SVG);
    expect(parse({ BRAND_LOGO_FILE: "acme.svg" }).brand.logo).toMatchObject({ kind: "file", path: join(cwd, "acme.svg") });
  });

  test("a missing BRAND_LOGO_FILE stops start-up", () => {
    expect(errorOf({ BRAND_LOGO_FILE: "missing.svg" })).toBe(`BRAND_LOGO_FILE: ${join(cwd, "missing.svg")} does not exist`);
  });

  test("a logo over 512 KiB stops start-up, in the data directory too; 512 KiB exactly is accepted", () => {
    mkdirSync(join(cwd, "data"));
    const path = join(cwd, "data", "logo.png");
    writeFileSync(path, Buffer.concat([PNG_SIGNATURE, Buffer.alloc(MAX_LOGO_BYTES - PNG_SIGNATURE.length)]));
    expect(parse({}).brand.logo).toMatchObject({ kind: "file", contentType: "image/png" });
    writeFileSync(path, Buffer.concat([PNG_SIGNATURE, Buffer.alloc(MAX_LOGO_BYTES)]));
    expect(errorOf({})).toBe(`logo file: ${path} is 513 KiB; a logo may be at most 512 KiB (scale it down)`);
    expect(errorOf({ BRAND_LOGO_FILE: path })).toMatch(/^BRAND_LOGO_FILE: .* is 513 KiB; a logo may be at most 512 KiB/);
  });

  test.each([
    ["logo.gif", "GIF89a", /is not a logo: use an \.svg or \.png file/],
    ["logo.png", "<svg></svg>", /is not a PNG image/],
    ["logo.svg", "<html><body>hello</body></html>", /is not an SVG image/],
    ["logo.svg", "", /is empty/],
  ])("%s holding %j is refused", (name, content, problem) => {
    writeFileSync(join(cwd, name), content);
    const message = errorOf({ BRAND_LOGO_FILE: name });
    expect(message).toMatch(/^BRAND_LOGO_FILE: /);
    expect(message).toMatch(problem);
  });

  test("a directory is not a logo", () => {
    mkdirSync(join(cwd, "logo.svg"));
    expect(errorOf({ BRAND_LOGO_FILE: "logo.svg" })).toMatch(/is not a file$/);
  });
});
