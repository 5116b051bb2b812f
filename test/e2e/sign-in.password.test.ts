import { fileURLToPath } from "node:url";
import type { Locator, Page } from "playwright-core";
import { beforeEach, describe, expect, test } from "vitest";
import { SIGN_IN_FAILED } from "../../src/features/sign-in/login.routes.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { heading, isFocused, pathOf } from "../support/page-queries.ts";

const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-results/", import.meta.url));
const SET_UP_PATH = "/two-factor/setup";
const browser = useBrowser();

/** Presses Tab until `target` has focus; fails if it is not reachable within a few presses. */
async function tabTo(page: Page, target: Locator, maxPresses = 5): Promise<void> {
  for (let presses = 0; !(await isFocused(page, target)); presses += 1) {
    if (presses === maxPresses) throw new Error(`not reachable with ${maxPresses} presses of Tab`);
    await page.keyboard.press("Tab");
  }
}

describe.each(E2E_DIALECTS)("signing in with a real browser (%s)", (dialect) => {
  const ctx = useTestContext(dialect, {}, "describe");
  const pages = usePages(browser, () => ctx.baseUrl);
  let page: Page;
  beforeEach(async () => {
    page = await pages.open();
  });

  const emailField = () => page.getByLabel("Email", { exact: true });
  const passwordField = () => page.getByLabel("Password", { exact: true });
  const signInButton = () => page.getByRole("button", { name: "Sign in", exact: true });

  test("the right password leads to the forced two-factor set-up, and every other page leads back there", async () => {
    const user = await ctx.createUser();
    await page.goto("/login");
    await heading(page, "Sign in").waitFor();
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SCREENSHOT_DIR}sign-in.png`, fullPage: true });

    await emailField().fill(user.email);
    await passwordField().fill(TEST_PASSWORD);
    await signInButton().click();
    await page.waitForURL(`**${SET_UP_PATH}`);
    await heading(page, "Manage Two-Factor Login").waitFor();
    await expectNoSeriousA11yViolations(page);

    await page.goto("/");
    expect(pathOf(page)).toBe(SET_UP_PATH);
    await heading(page, "Manage Two-Factor Login").waitFor();
  });

  test("a wrong password shows the error and stays on the sign-in page", async () => {
    const user = await ctx.createUser();
    await page.goto("/login");
    await emailField().fill(user.email);
    await passwordField().fill(`${TEST_PASSWORD}!`);
    await signInButton().click();

    // The error summary at the top lists it and has focus (GOV.UK pattern); the title says "Error:".
    const summary = page.locator("[data-error-summary]");
    await summary.waitFor();
    expect((await summary.getByRole("listitem").textContent())?.trim()).toBe(SIGN_IN_FAILED);
    expect(await isFocused(page, summary)).toBe(true);
    expect(await page.title()).toMatch(/^Error: Sign in/);
    expect(pathOf(page)).toBe("/login");
    await heading(page, "Sign in").waitFor();
    expect(await emailField().inputValue()).toBe(user.email);
    expect(await passwordField().inputValue()).toBe("");
    await expectNoSeriousA11yViolations(page);

    await page.goto("/");
    expect(pathOf(page)).toBe("/login");
  });

  test("the sign-in form works with the keyboard alone", async () => {
    const user = await ctx.createUser();
    await page.goto("/login");

    await tabTo(page, emailField());
    await page.keyboard.type(user.email);
    await page.keyboard.press("Tab");
    expect(await isFocused(page, passwordField())).toBe(true);
    await page.keyboard.type(TEST_PASSWORD);
    await page.keyboard.press("Enter");

    await page.waitForURL(`**${SET_UP_PATH}`);
    await heading(page, "Manage Two-Factor Login").waitFor();
  });
});
