import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { HashQueue } from "../../src/auth/hash-queue.ts";
import { replaceArgon2Queue } from "../../src/auth/password.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";

const SHOTS = "/tmp/storm-shots/";
const browser = useBrowser();

describe.each(E2E_DIALECTS.slice(0, 1))("a sign-in shed under a storm, in a real browser (%s)", (dialect) => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => ctx?.close());
  const pages = usePages(browser, () => ctx.baseUrl);

  test("says 'Too many sign-ins right now', keeps the email, and the keyboard can try again", async () => {
    const user = await ctx.createUser();
    // One slot, 1 s a computation, three ahead: a sign-in would wait 3 s and is shed.
    const queue = new HashQueue({ slots: 1, initialHashMs: 1000, now: () => ctx.clock.nowMs() });
    const previous = replaceArgon2Queue(queue);
    const finishers: (() => void)[] = [];
    const blockers = ["a", "b", "c"].map((flow) => queue.run(flow, () => new Promise<void>((resolve) => finishers.push(resolve))));
    try {
      for (const width of [1280, 390]) {
        const page = await pages.open();
        await page.setViewportSize({ width, height: 800 });
        await page.goto("/login");
        await page.getByLabel("Email", { exact: true }).fill(user.email);
        await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
        await page.getByRole("button", { name: "Sign in", exact: true }).click();
        await page.getByRole("heading", { level: 1, name: "Too many sign-ins right now", exact: true }).waitFor();
        // The error summary at the top (issue 16) holds the message, and has the focus.
        const summary = page.locator("[data-error-summary]");
        expect((await summary.locator("li").first().textContent())?.trim()).toBe("More people are signing in than we can check at once. Try again in 3 seconds.");
        expect(await page.getByLabel("Email", { exact: true }).inputValue()).toBe(user.email);
        await expectNoSeriousA11yViolations(page);
        await page.screenshot({ path: `${SHOTS}shed-${width}.png`, fullPage: true });
      }
      for (const blocker of blockers) {
        finishers.shift()!();
        await blocker;
      }
      const page = await pages.open();
      await page.goto("/login");
      await page.getByLabel("Email", { exact: true }).fill(user.email);
      await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
      await page.keyboard.press("Enter");
      await page.waitForURL("**/two-factor/setup");
    } finally {
      for (const finish of finishers) finish();
      replaceArgon2Queue(previous);
    }
  });
});
