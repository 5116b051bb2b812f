import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { generateTotpCode } from "../../src/auth/totp.ts";
import { MESSAGES } from "../support/messages.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { heading, isFocused } from "../support/page-queries.ts";
import { enrollApp, factorStates, lastSmsCode, storedFallback } from "../support/two-factor.ts";

const PHONE = "+44 7400 123456";
const PHONE_E164 = "+447400123456";
const FALLBACK = "+44 7400 654321";
const FALLBACK_E164 = "+447400654321";
const browser = useBrowser();

describe.each(E2E_DIALECTS)("manage two-factor in a real browser (%s)", (dialect) => {
  const ctx = useTestContext(dialect, {}, "describe");

  const pages = usePages(browser, () => ctx.baseUrl);
  // The page's countdowns read the browser's clock: show them the server's (fake) time.
  const newPage = (javaScriptEnabled = true) => pages.open({ javaScriptEnabled, clockMs: ctx.clock.nowMs() });

  const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
  const codeField = (page: Page) => page.getByLabel("Six-digit code", { exact: true });

  /** Password, then the app's code of the next step (so no step a previous sign-in used). */
  async function signInWithApp(page: Page, email: string, secret: Buffer): Promise<void> {
    ctx.clock.advance(30_000);
    await pages.setClock(ctx.clock.nowMs());
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await button(page, "Sign in").click();
    await heading(page, "Two-Factor Verification").waitFor();
    await codeField(page).fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await button(page, "Verify").click();
    await heading(page, "Dashboard").waitFor();
  }

  test("keyboard user menu → switch app to SMS after a step-up → add a fallback phone", async () => {
    const user = await ctx.createUser({ name: "Katherine Johnson" });
    const secret = await enrollApp(ctx, user.email);
    const page = await newPage();
    await signInWithApp(page, user.email, secret);

    // The user menu, by keyboard only (WAI-ARIA menu button).
    const menuButton = button(page, "Katherine Johnson");
    const manageItem = page.getByRole("menuitem", { name: "Manage Two-Factor", exact: true });
    const signOutItem = page.getByRole("menuitem", { name: "Sign out", exact: true });
    await page.keyboard.press("Tab");
    expect(await isFocused(page, menuButton)).toBe(true);
    expect(await menuButton.getAttribute("aria-expanded")).toBe("false");
    expect(await manageItem.isVisible()).toBe(false);
    await page.keyboard.press("Enter");
    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    expect(await isFocused(page, manageItem)).toBe(true);
    await page.keyboard.press("ArrowDown");
    expect(await isFocused(page, page.getByRole("menuitem", { name: "Change password", exact: true }))).toBe(true);
    await page.keyboard.press("End");
    expect(await isFocused(page, signOutItem)).toBe(true);
    await page.keyboard.press("ArrowDown"); // wraps around
    expect(await isFocused(page, manageItem)).toBe(true);
    await page.keyboard.press("ArrowUp");
    expect(await isFocused(page, signOutItem)).toBe(true);
    await page.keyboard.press("Escape");
    expect(await menuButton.getAttribute("aria-expanded")).toBe("false");
    expect(await signOutItem.isVisible()).toBe(false);
    expect(await isFocused(page, menuButton)).toBe(true);
    await page.keyboard.press("Enter");
    expect(await isFocused(page, manageItem)).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/two-factor");
    await heading(page, "Manage Two-Factor Login").waitFor();
    await expectNoSeriousA11yViolations(page);

    // Five minutes on, the change needs a fresh code first.
    ctx.clock.advance(5 * MINUTE_MS);
    await pages.setClock(ctx.clock.nowMs());
    const smsMethod = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "SMS", exact: true }) });
    await smsMethod.getByRole("button", { name: "Set Up Now", exact: true }).click();
    await heading(page, "Confirm it's you").waitFor();
    expect(new URL(page.url()).pathname).toBe("/two-factor/step-up");
    await expectNoSeriousA11yViolations(page);
    await codeField(page).fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await button(page, "Verify").click();

    await heading(page, "Set up SMS codes").waitFor();
    await page.getByLabel("Phone number", { exact: true }).fill(PHONE);
    await button(page, "Send code").click();
    await heading(page, "Enter the code we sent").waitFor();
    await codeField(page).fill(lastSmsCode(ctx, PHONE_E164));
    await button(page, "Verify").click();

    await heading(page, "Manage Two-Factor Login").waitFor();
    expect(await page.getByRole("status").textContent()).toContain(MESSAGES.switchedToSms);
    expect(await smsMethod.textContent()).toContain("Enabled.");
    expect(await smsMethod.getByRole("button", { name: "Manage", exact: true }).count()).toBe(1);
    const appMethod = page.getByRole("listitem").filter({ has: page.getByRole("heading", { name: "Authenticator app", exact: true }) });
    expect(await appMethod.getByRole("button", { name: "Set Up Now", exact: true }).count()).toBe(1);
    expect(await factorStates(ctx, user.id)).toEqual([["sms", "active"]]);
    await expectNoSeriousA11yViolations(page);

    // The fallback phone: saved only once its code is verified.
    await button(page, "Add fallback phone").click();
    await heading(page, "Add fallback phone").waitFor();
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel("Fallback phone number", { exact: true }).fill(FALLBACK);
    await button(page, "Send code").click();
    await heading(page, "Verify your fallback phone").waitFor();
    await expectNoSeriousA11yViolations(page);
    expect(await storedFallback(ctx, user.id)).toBeNull();
    await codeField(page).fill(lastSmsCode(ctx, FALLBACK_E164));
    await button(page, "Verify").click();

    await heading(page, "Manage Two-Factor Login").waitFor();
    expect(await page.getByRole("status").textContent()).toContain(MESSAGES.fallbackAdded);
    const fallbackSection = page.getByRole("region", { name: "Fallback phone", exact: true });
    expect(await fallbackSection.textContent()).toContain("•••• •••• 21");
    expect(await fallbackSection.textContent()).not.toContain("654321");
    expect(await button(page, "Change fallback phone").count()).toBe(1);
    expect(await storedFallback(ctx, user.id)).toBe(FALLBACK_E164);
    await expectNoSeriousA11yViolations(page);
  }, 60_000);

  test("without JavaScript the account menu is a plain list: \"Manage Two-Factor\" and \"Sign out\" work", async () => {
    const user = await ctx.createUser({ name: "Dorothy Vaughan" });
    const secret = await enrollApp(ctx, user.email);
    const page = await newPage(false);
    await signInWithApp(page, user.email, secret);

    const account = page.getByRole("navigation", { name: "Account", exact: true });
    const manage = account.getByRole("link", { name: "Manage Two-Factor", exact: true });
    const signOut = account.getByRole("button", { name: "Sign out", exact: true });
    expect(await manage.isVisible()).toBe(true);
    expect(await signOut.isVisible()).toBe(true);
    expect(await account.getByRole("button", { name: "Dorothy Vaughan" }).count()).toBe(0); // the menu button needs JS

    await manage.click();
    await heading(page, "Manage Two-Factor Login").waitFor();
    expect(new URL(page.url()).pathname).toBe("/two-factor");
    // (No axe run here: axe-core is itself a script, and cannot run in a page without JavaScript.)
    await signOut.click();
    await page.waitForURL("**/login");
    await page.goto("/two-factor");
    expect(new URL(page.url()).pathname).toBe("/login");
  }, 60_000);
});
