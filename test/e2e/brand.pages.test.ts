import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { inviteUser } from "../../src/features/support-console/user-admin.service.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { type FakeSmtp, startFakeSmtp } from "../support/fake-smtp.ts";
import { mailPart } from "../support/mime.ts";
import { freePort } from "../support/relying-party.ts";
import { enrollApp } from "../support/two-factor.ts";

/**
 * A company's brand on the pages a client sees first: axe finds no contrast (or other serious)
 * problem whatever the colour, the logo shows in the header and nothing scrolls sideways.
 * Screenshots go to SHOTS_DIR for a human to look at.
 */
const SHOTS_DIR = process.env.SHOTS_DIR ?? "/tmp/branding-shots";
const WIDTHS = [1280, 390, 320];
const NAME = "Acme Client Services";
// A wide wordmark (6:1): the hardest shape for a 320 px header.
const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 360 60" width="360" height="60">
<rect width="60" height="60" rx="12" fill="#0d1b2a"/><circle cx="30" cy="30" r="15" fill="#ffeb3b"/>
<text x="74" y="41" font-family="sans-serif" font-size="28" font-weight="700" fill="#0d1b2a">Acme Client Co.</text></svg>`;
const BRANDS = [
  { label: "very light", color: "#ffeb3b", fill: "rgb(255, 235, 59)", onFill: "rgb(27, 31, 36)" },
  { label: "very dark", color: "#0d1b2a", fill: "rgb(13, 27, 42)", onFill: "rgb(255, 255, 255)" },
];
const browser = useBrowser();
let logoDir: string;
beforeAll(() => {
  logoDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-brand-"));
  writeFileSync(join(logoDir, "logo.svg"), LOGO);
  mkdirSync(SHOTS_DIR, { recursive: true });
});
afterAll(() => rmSync(logoDir, { recursive: true, force: true }));

/** Runs in the page: the image has loaded (an image that failed has no natural width). */
const LOADED_IMAGE = (img: unknown) => (img as { complete: boolean; naturalWidth: number }).complete && (img as { naturalWidth: number }).naturalWidth > 0;

/** The page fits its width, axe is content, and the logo is loaded, visible and inside the header. */
async function expectBranded(page: Page, shot: string, width: number): Promise<void> {
  await page.screenshot({ path: join(SHOTS_DIR, `${shot}-${width}.png`), fullPage: true });
  const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>("[document.documentElement.scrollWidth, window.innerWidth]");
  expect(scrollWidth, `${shot} at ${width} px scrolls sideways`).toBeLessThanOrEqual(innerWidth);
  const logo = page.locator("header").getByRole("img", { name: NAME });
  expect(await logo.isVisible()).toBe(true);
  expect(await logo.evaluate(LOADED_IMAGE)).toBe(true);
  const box = (await logo.boundingBox())!;
  const header = (await page.locator("header").boundingBox())!;
  expect(box.height).toBeGreaterThan(20);
  expect(box.x + box.width).toBeLessThanOrEqual(width);
  expect(box.y + box.height).toBeLessThanOrEqual(header.y + header.height);
  await expectNoSeriousA11yViolations(page);
}

describe.each(E2E_DIALECTS)("a branded portal in Chromium (%s)", (dialect) => {
  describe.each(BRANDS)("with a $label brand colour ($color)", ({ label, color, fill, onFill }) => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await createTestContext(dialect, { env: { PORTAL_NAME: NAME, BRAND_COLOR: color, BRAND_LOGO_FILE: join(logoDir, "logo.svg") } });
    });
    afterAll(async () => ctx?.close());
    const pages = usePages(browser, () => ctx.baseUrl);

    test("the sign-in page and the dashboard at 1280, 390 and 320 px", { timeout: 120_000 }, async () => {
      const user = await ctx.createUser({ name: "Maximiliana Featherstonehaugh-Wolfe" });
      await enrollApp(ctx, user.email);
      const session = (await ctx.fullSessionClient(user)).cookie("gatehouse_session")!;
      const slug = label.replace(" ", "-");
      for (const width of WIDTHS) {
        const login = await pages.open();
        await login.setViewportSize({ width, height: 800 });
        await login.goto("/login");
        const signIn = login.getByRole("button", { name: "Sign in" });
        expect(await signIn.evaluate((button) => {
          const style = button.ownerDocument.defaultView!.getComputedStyle(button);
          return [style.backgroundColor, style.color];
        })).toEqual([fill, onFill]);
        await expectBranded(login, `sign-in-${slug}`, width);

        const dashboard = await pages.open();
        await dashboard.setViewportSize({ width, height: 800 });
        await dashboard.context().addCookies([{ name: "gatehouse_session", value: session, url: ctx.baseUrl }]);
        await dashboard.goto("/");
        await dashboard.getByRole("heading", { name: "Dashboard" }).waitFor();
        await expectBranded(dashboard, `dashboard-${slug}`, width);
      }
    });
  });

  describe("the HTML e-mail", () => {
    let ctx: TestContext;
    let smtp: FakeSmtp;
    beforeAll(async () => {
      smtp = await startFakeSmtp();
      const port = await freePort();
      const env = { PUBLIC_URL: `http://127.0.0.1:${port}`, SMTP_URL: smtp.url, PORTAL_NAME: NAME, BRAND_COLOR: "#0d1b2a", BRAND_LOGO_FILE: join(logoDir, "logo.svg") };
      ctx = await createTestContext(dialect, { env, port, mail: "smtp" });
    });
    afterAll(async () => {
      await ctx?.close();
      await smtp?.close();
    });
    const pages = usePages(browser, () => ctx.baseUrl);

    test("shows the logo from PUBLIC_URL, escapes the name, and passes axe at 1280 and 390 px", { timeout: 60_000 }, async () => {
      const admin = await ctx.createUser({ role: "admin" });
      const meta = { ip: "127.0.0.1", userAgent: "test" };
      await inviteUser(ctx.testDb.database.db, ctx.deps, { agentId: admin.id, email: "ann@example.com", displayName: "<script>alert(1)</script> Ann", role: "client", meta });
      await ctx.flushMail();
      const markup = mailPart(smtp.messages[0]!, "text/html");
      for (const width of [1280, 390]) {
        const page = await pages.open();
        await page.setViewportSize({ width, height: 700 });
        await page.setContent(markup, { waitUntil: "load" });
        expect(await page.getByRole("img", { name: NAME }).evaluate(LOADED_IMAGE)).toBe(true);
        expect(await page.getByText("Hello <script>alert(1)</script> Ann,").isVisible()).toBe(true);
        expect(await page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")).toBe(true);
        await page.screenshot({ path: join(SHOTS_DIR, `email-invitation-${width}.png`), fullPage: true });
        await expectNoSeriousA11yViolations(page);
      }
    });
  });
});
