import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { SVG_LOGO_CSP } from "../../src/http/routes/brand-assets.ts";
import { contrastRatio } from "../../src/views/brand-colors.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";

// A hostile logo: as a document of the portal's origin its script would read the portal's pages.
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 50"><script>alert(document.cookie)</script><rect width="200" height="50" fill="#ffeb3b"/></svg>';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from("IHDR and the rest")]);
const NAME = "Acme & Sons Client Services";

const attribute = (tag: string | undefined, name: string) => (tag ? new RegExp(`${name}="([^"]*)"`).exec(tag)?.[1] : undefined);
const logoTag = (page: string) => /<img class="brand-logo"[^>]*>/.exec(page)?.[0];
const stylesheetHref = (page: string) => /<link rel="stylesheet" href="(\/assets\/brand\.css\?v=[0-9a-f]{16})">/.exec(page)?.[1];

describe.each(TEST_DIALECTS)("the brand's stylesheet and logo (%s)", (dialect) => {
  let dir: string;
  let ctx: TestContext | null = null;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-brand-"));
    writeFileSync(join(dir, "logo.svg"), SVG);
    writeFileSync(join(dir, "logo.png"), PNG);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(async () => {
    await ctx?.close();
    ctx = null;
  });
  const start = async (env: Record<string, string>) => (ctx = await createTestContext(dialect, { env: { PORTAL_NAME: NAME, ...env } }));

  it("an SVG logo file is served by the portal with its type, a policy under which its script cannot run, and a year's cache under its hash", async () => {
    const c = await start({ BRAND_LOGO_FILE: join(dir, "logo.svg") });
    const page = (await c.client().get("/login")).body;
    const tag = logoTag(page);
    expect(attribute(tag, "alt")).toBe("Acme &amp; Sons Client Services");
    const src = attribute(tag, "src")!;
    expect(src).toMatch(/^\/assets\/brand-logo\?v=[0-9a-f]{16}$/);

    const logo = await c.client().get(src);
    expect(logo.status).toBe(200);
    expect(logo.body).toBe(SVG);
    expect(logo.headers.get("content-type")).toBe("image/svg+xml");
    expect(logo.headers.get("content-security-policy")).toBe(SVG_LOGO_CSP);
    expect(SVG_LOGO_CSP).toMatch(/^default-src 'none';/);
    expect(SVG_LOGO_CSP).not.toContain("script");
    expect(logo.headers.get("x-content-type-options")).toBe("nosniff");
    expect(logo.headers.get("cross-origin-resource-policy")).toBe("cross-origin"); // webmail shows it from its own origin
    expect(logo.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const etag = logo.headers.get("etag")!;
    expect(etag).toBe(`"${src.split("v=")[1]}"`);

    const again = await c.client().request("GET", src, { headers: { "if-none-match": etag } });
    expect(again.status).toBe(304);
    expect(again.body).toBe("");
    // An address without the current hash (an old page) is cached briefly, not for a year.
    expect((await c.client().get("/assets/brand-logo?v=0123456789abcdef")).headers.get("cache-control")).toBe("public, max-age=3600");
  });

  it("the stylesheet carries the colours derived from BRAND_COLOR: a very light yellow gets dark text on its buttons and a darkened yellow for links", async () => {
    const c = await start({ BRAND_COLOR: "#FFEB3B" });
    const href = stylesheetHref((await c.client().get("/login")).body)!;
    const css = await c.client().get(href);
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(css.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    const value = (name: string) => new RegExp(`${name}: (#[0-9a-f]{6});`).exec(css.body)?.[1];
    expect(value("--brand")).toBe("#ffeb3b");
    expect(value("--brand-fill")).toBe("#ffeb3b");
    expect(value("--on-brand")).toBe("#1b1f24");
    expect(value("--brand-text")).toBe("#736a1b");
    expect(contrastRatio(value("--brand-text")!, "#f6f8fa")).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(value("--on-brand")!, value("--brand-fill")!)).toBeGreaterThanOrEqual(4.5);
    expect((await c.client().request("GET", href, { headers: { "if-none-match": css.headers.get("etag")! } })).status).toBe(304);
  });

  it("a mid-grey that neither white nor black text can sit on gets a darkened fill with white text", async () => {
    const c = await start({ BRAND_COLOR: "#777" });
    const css = (await c.client().get(stylesheetHref((await c.client().get("/login")).body)!)).body;
    expect(css).toContain("--brand: #777777;");
    expect(css).toContain("--brand-fill: #717171;");
    expect(css).toContain("--on-brand: #ffffff;");
  });

  it("a PNG logo is served as image/png; the signed-in header shows the logo beside the account menu", async () => {
    const c = await start({ BRAND_LOGO_FILE: join(dir, "logo.png") });
    const user = await c.createUser({ name: "Ann Example" });
    const dashboard = (await (await c.fullSessionClient(user)).get("/")).body;
    expect(dashboard).toContain(">Ann Example</button>");
    const src = attribute(logoTag(dashboard), "src")!;
    const logo = await c.client().get(src);
    expect(logo.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await (await fetch(new URL(src, c.baseUrl))).arrayBuffer()).equals(PNG)).toBe(true);
    expect(logo.headers.get("content-security-policy")).toContain("default-src 'self'");
  });

  it("without a logo the header shows the portal's name, the default colour is kept, and there is no logo to fetch", async () => {
    const c = await start({});
    const page = (await c.client().get("/login")).body;
    expect(logoTag(page)).toBeUndefined();
    expect(page).toContain('<span class="brand">Acme &amp; Sons Client Services</span>');
    expect((await c.client().get(stylesheetHref(page)!)).body).toContain("--brand-text: #0b5cad;");
    expect((await c.client().get("/assets/brand-logo")).status).toBe(404);
  });

  it("a logo at BRAND_LOGO_URL is loaded from there: the CSP's img-src names exactly that origin, on the portal's and the provider's pages", async () => {
    const c = await start({ BRAND_LOGO_URL: "https://cdn.example.com/acme/logo.svg?size=2" });
    const login = await c.client().get("/login");
    expect(attribute(logoTag(login.body), "src")).toBe("https://cdn.example.com/acme/logo.svg?size=2");
    for (const response of [login, await c.client().get("/.well-known/openid-configuration")]) {
      const imgSrc = response.headers.get("content-security-policy")!.split(";").find((directive) => directive.startsWith("img-src"));
      expect(imgSrc).toBe("img-src 'self' data: https://cdn.example.com");
    }
    expect((await c.client().get("/assets/brand-logo")).status).toBe(404);
  });
});
