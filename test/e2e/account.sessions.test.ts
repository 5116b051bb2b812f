import type { Page } from "playwright-core";
import { beforeEach, describe, expect, test } from "vitest";
import { createSession } from "../../src/auth/session.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { SessionStage, User } from "../../src/db/schema.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";

const browser = useBrowser();
const FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0";

describe.each(E2E_DIALECTS)("the Sessions page in a real browser (%s)", (dialect) => {
  const ctx = useTestContext(dialect, {}, "describe");
  const pages = usePages(browser, () => ctx.baseUrl);
  let page: Page;
  beforeEach(async () => {
    page = await pages.open();
  });

  const newSession = (user: User, stage: SessionStage, userAgent: string) =>
    createSession(ctx.testDb.database.db, { clock: ctx.clock, random: cryptoRandom }, user.id, { stage, meta: { ip: "203.0.113.5", userAgent }, secondFactorAt: stage === "full" ? ctx.clock.nowMs() : null });

  test("reached from the account menu; signs out one session, then all the others; no serious axe violations", async () => {
    const user = await ctx.createUser({ name: "Ann Example", password: null });
    await newSession(user, "full", FIREFOX_WINDOWS);
    await newSession(user, "pending", FIREFOX_WINDOWS);
    const { token } = await newSession(user, "full", "this browser");
    await page.context().addCookies([{ name: sessionCookieName(ctx.deps.config), value: token, url: ctx.baseUrl }]);

    await page.goto("/");
    await page.getByRole("button", { name: "Ann Example", exact: true }).click();
    await page.getByRole("menuitem", { name: "Sessions", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Sessions", exact: true }).waitFor();
    await expectNoSeriousA11yViolations(page);
    const table = page.getByRole("table");
    expect(await table.getByRole("row").count()).toBe(4); // the header and three sessions
    await expect.poll(() => table.getByRole("row").nth(1).textContent()).toContain("This device");

    const signOutButtons = table.getByRole("button", { name: "Sign out", exact: true });
    expect(await signOutButtons.count()).toBe(2);
    await signOutButtons.first().click();
    await page.getByRole("status").getByText("The session was signed out.").waitFor();
    expect(await table.getByRole("button", { name: "Sign out", exact: true }).count()).toBe(1);

    await page.getByRole("button", { name: "Sign out everywhere else", exact: true }).click();
    await page.getByRole("status").getByText("1 other session was signed out.").waitFor();
    await page.getByText("You are signed in on this device only.").waitFor();
    await expectNoSeriousA11yViolations(page);
  });
});
