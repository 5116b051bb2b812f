import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, test } from "vitest";
import type { User } from "../../src/db/schema.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";

/** Screenshots for a human to look at, when SHOTS_DIR is set. */
const SHOTS_DIR = process.env.SHOTS_DIR;
const HOUR_MINUTES = 60;
const browser = useBrowser();

/** "YYYY-MM-DD HH:MM" of an ISO instant moved by a fixed offset (Tokyo has no clock changes; New York's November is EST). */
function shifted(iso: string, offsetMinutes: number): string {
  return new Date(Date.parse(iso) + offsetMinutes * MINUTE_MS).toISOString().replace("T", " ").slice(0, 16);
}

describe.each(E2E_DIALECTS)("times in the reader's time zone, in a real browser (%s)", (dialect) => {
  const ctx = useTestContext(dialect, {}, "describe");
  const pages = usePages(browser, () => ctx.baseUrl);
  beforeAll(() => {
    if (SHOTS_DIR) mkdirSync(SHOTS_DIR, { recursive: true });
  });

  /** A user with one event on the dashboard (a wrong password), and a browser in `timezoneId` holding their full session. */
  async function signedInBrowser(o: { timezoneId: string; javaScriptEnabled?: boolean }): Promise<{ user: User; page: Page }> {
    const user = await ctx.createUser({ name: "Ann Example" });
    expect((await ctx.client().submit("/login", { email: user.email, password: "not the password" })).status).toBe(401);
    ctx.clock.advance(MINUTE_MS);
    const client = await ctx.fullSessionClient(user);
    const page = await pages.open(o);
    const cookie = sessionCookieName(ctx.deps.config);
    await page.context().addCookies([{ name: cookie, value: client.cookie(cookie)!, url: ctx.baseUrl }]);
    return { user, page };
  }

  /** The dashboard's one activity time: its ISO instant, its text, and the zone the server wrote it in. */
  async function dashboardTime(page: Page): Promise<{ datetime: string; text: string; zone: string | null }> {
    await page.goto("/");
    await page.getByRole("heading", { level: 1, name: "Dashboard", exact: true }).waitFor();
    const time = page.getByRole("table").locator("time");
    expect(await time.count()).toBe(1);
    return { datetime: (await time.getAttribute("datetime"))!, text: (await time.textContent())!, zone: await time.getAttribute("data-zone") };
  }

  async function shoot(page: Page, name: string): Promise<void> {
    for (const width of [1280, 390, 320]) {
      await page.setViewportSize({ width, height: 900 });
      const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>("[document.documentElement.scrollWidth, window.innerWidth]");
      expect(scrollWidth, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(innerWidth);
      if (width !== 320) await expectNoSeriousA11yViolations(page);
      if (SHOTS_DIR) await page.screenshot({ path: `${SHOTS_DIR}/${name}-${width}.png`, fullPage: true });
    }
  }

  test("no zone chosen: the browser (Tokyo) rewrites the UTC times into its own zone", async () => {
    const { page } = await signedInBrowser({ timezoneId: "Asia/Tokyo" });
    const time = await dashboardTime(page);
    expect(time.zone).toBeNull();
    expect(time.text).toBe(`${shifted(time.datetime, 9 * HOUR_MINUTES)} GMT+9`);
    await shoot(page, "dashboard-browser-zone");
  });

  test("a zone chosen on Profile (New York) wins over the browser's (Tokyo); the list names each zone's offset", async () => {
    const { page } = await signedInBrowser({ timezoneId: "Asia/Tokyo" });
    await page.goto("/account/profile");
    const select = page.getByLabel("Time zone", { exact: true });
    // app.js adds the browser's own zone to the automatic choice and each zone's offset now.
    await expect.poll(() => select.locator("option").first().textContent()).toBe("Your browser's time zone (Asia/Tokyo)");
    expect(await select.locator('option[value="America/New_York"]').textContent()).toBe("New York (GMT-5)");
    expect(await select.locator('option[value="Asia/Kolkata"], option[value="Asia/Calcutta"]').textContent()).toMatch(/ \(GMT\+5:30\)$/);
    await shoot(page, "profile");

    await select.selectOption("America/New_York");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").getByText("Your profile has been saved.").waitFor();
    expect(await select.inputValue()).toBe("America/New_York");

    const time = await dashboardTime(page);
    expect(time.zone).toBe("America/New_York");
    expect(time.text).toBe(`${shifted(time.datetime, -5 * HOUR_MINUTES)} EST`);
    await shoot(page, "dashboard-chosen-zone");

    await page.goto("/account/profile");
    await select.selectOption("");
    await page.getByRole("button", { name: "Save", exact: true }).click();
    await page.getByRole("status").getByText("Your profile has been saved.").waitFor();
    const back = await dashboardTime(page);
    expect(back).toEqual({ datetime: time.datetime, zone: null, text: `${shifted(time.datetime, 9 * HOUR_MINUTES)} GMT+9` });
  });

  test("without JavaScript and no zone chosen: UTC, named", async () => {
    const { page } = await signedInBrowser({ timezoneId: "Asia/Tokyo", javaScriptEnabled: false });
    const time = await dashboardTime(page);
    expect(time.zone).toBeNull();
    expect(time.text).toBe(`${shifted(time.datetime, 0)} UTC`);
    await page.goto("/account/profile");
    expect(await page.getByLabel("Time zone", { exact: true }).locator("option").first().textContent()).toBe("Your browser's time zone");
  });
});
