import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { insertSmsFactor, staffClient } from "../support/admin.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { enrollApp } from "../support/two-factor.ts";

/**
 * Every page a client or agent sees, at phone widths: nothing scrolls sideways (the document is no
 * wider than the screen) and axe finds nothing serious. Screenshots go to SHOTS_DIR for a human to look at.
 */
const SHOTS_DIR = process.env.SHOTS_DIR ?? "/tmp/words-shots";
const WIDTHS = [320, 390, ...(process.env.SHOTS_DIR ? [1280] : [])];
const LONG_NAME = "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh";
const browser = useBrowser();

describe.each(E2E_DIALECTS)("phone-size layout (%s)", (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect, { env: { SUPPORT_CONTACT: "help@client-services.example, +44 20 7946 0000" } });
    mkdirSync(SHOTS_DIR, { recursive: true });
  });
  afterAll(async () => ctx?.close());
  const pages = usePages(browser, () => ctx.baseUrl);

  async function pageAs(sessionToken: string | null, width: number): Promise<Page> {
    const page = await pages.open();
    await page.setViewportSize({ width, height: 800 });
    if (sessionToken) await page.context().addCookies([{ name: "gatehouse_session", value: sessionToken, url: ctx.baseUrl }]);
    return page;
  }

  async function expectFits(page: Page, name: string, width: number): Promise<void> {
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>("[document.documentElement.scrollWidth, window.innerWidth]");
    await page.screenshot({ path: `${SHOTS_DIR}/${name}-${width}.png`, fullPage: true });
    // Soft: every page is checked and shot even when one fails.
    expect.soft(scrollWidth, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(innerWidth);
    await expectNoSeriousA11yViolations(page).catch((error: Error) => expect.soft(error.message).toBe(""));
  }

  test("signed-out, set-up and verification pages fit 320 and 390 px", { timeout: 180_000 }, async () => {
    const newcomer = await ctx.createUser({ name: LONG_NAME });
    const pending = await ctx.signInWithPassword(newcomer.email);
    const appUser = await ctx.createUser({ name: LONG_NAME });
    await enrollApp(ctx, appUser.email);
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: "+447400654321" }).where("id", "=", appUser.id).execute();
    const verifying = await ctx.signInWithPassword(appUser.email);
    const smsUser = await ctx.createUser();
    await insertSmsFactor(ctx.testDb.database, ctx.clock.nowMs(), smsUser.id, "+447400123488");
    const smsVerifying = await ctx.signInWithPassword(smsUser.email);
    for (const width of WIDTHS) {
      for (const [name, path, token] of [
        ["login", "/login", null],
        ["forgot-password", "/forgot-password", null],
        ["setup-options", "/two-factor/setup", pending.cookie("gatehouse_session")!],
        ["verify-app", "/two-factor/verify", verifying.cookie("gatehouse_session")!],
        ["verify-sms", "/two-factor/verify", smsVerifying.cookie("gatehouse_session")!],
        ["reset-dialog", "/two-factor/reset", verifying.cookie("gatehouse_session")!],
      ] as const) {
        const page = await pageAs(token, width);
        await page.goto(path);
        await expectFits(page, name, width);
      }
      const setup = await pageAs(pending.cookie("gatehouse_session")!, width);
      await setup.goto("/two-factor/setup");
      await setup.getByRole("button", { name: "Authenticator app" }).click();
      await setup.getByRole("heading", { level: 1 }).waitFor();
      await expectFits(setup, "setup-app", width);
    }
  });

  test("the reset dialog fits the screen and clicking outside it closes it", { timeout: 180_000 }, async () => {
    const user = await ctx.createUser({ name: LONG_NAME });
    await enrollApp(ctx, user.email);
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: "+447400654321" }).where("id", "=", user.id).execute();
    const verifying = await ctx.signInWithPassword(user.email);
    for (const width of [320, 390]) {
      const page = await pageAs(verifying.cookie("gatehouse_session")!, width);
      await page.goto("/two-factor/verify");
      await page.getByRole("button", { name: "Reset Two-Factor" }).click();
      const dialog = page.getByRole("dialog", { name: "Reset Two-Factor" });
      await dialog.waitFor();
      const box = (await dialog.boundingBox())!;
      expect.soft(box.x).toBeGreaterThanOrEqual(0);
      expect.soft(box.x + box.width).toBeLessThanOrEqual(width);
      await page.screenshot({ path: `${SHOTS_DIR}/reset-dialog-modal-${width}.png` });
      await page.mouse.click(5, 790); // the backdrop, below and beside the dialog
      await dialog.waitFor({ state: "hidden" });
      expect(await page.getByRole("button", { name: "Reset Two-Factor" }).evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
    }
  });

  test("signed-in and console pages fit 320 and 390 px, long names included", { timeout: 180_000 }, async () => {
    const user = await ctx.createUser({ name: LONG_NAME });
    await enrollApp(ctx, user.email);
    const client = await ctx.fullSessionClient(user);
    const admin = await staffClient(ctx, "admin", LONG_NAME);
    for (const width of WIDTHS) {
      for (const [name, path, token] of [
        ["dashboard", "/", client.cookie("gatehouse_session")!],
        ["manage", "/two-factor", client.cookie("gatehouse_session")!],
        ["profile", "/account/profile", client.cookie("gatehouse_session")!],
        ["sessions", "/account/sessions", client.cookie("gatehouse_session")!],
        ["password", "/account/password", client.cookie("gatehouse_session")!],
        ["console", `/admin?q=${encodeURIComponent(user.email)}`, admin.client.cookie("gatehouse_session")!],
        ["console-user", `/admin/users/${user.id}`, admin.client.cookie("gatehouse_session")!],
        ["console-new-user", "/admin/users/new", admin.client.cookie("gatehouse_session")!],
      ] as const) {
        const page = await pageAs(token, width);
        await page.goto(path);
        await expectFits(page, name, width);
      }
    }
  });
});
