import { Secret } from "otpauth";
import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { generateTotpCode } from "../../src/auth/totp.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { useSharedTestContext } from "../support/fixtures.ts";
import { inviteWithCli, mailedLinkPath } from "../support/mailed-links.ts";
import { heading } from "../support/page-queries.ts";
import { enrollApp } from "../support/two-factor.ts";

const PASSWORD = "an invited user's passphrase";
const NEW_PASSWORD = "a password chosen after forgetting";
const browser = useBrowser();

describe.each(E2E_DIALECTS)("invitation and forgotten password in a real browser (%s)", (dialect) => {
  const ctx = useSharedTestContext(dialect, "describe");

  const pages = usePages(browser, () => ctx.baseUrl);
  /** A browser whose clock shows the server's (fake) time, for the pages' countdowns. */
  const newPage = () => pages.open({ clockMs: ctx.clock.nowMs() });

  const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
  const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

  test("a CLI-created user starts from the e-mailed link: choose a password, set up the app from the key text, reach the dashboard", async () => {
    await inviteWithCli(ctx, "ivy@example.com", "Ivy Invited");
    const path = await mailedLinkPath(ctx, "ivy@example.com", "invite");
    const page = await newPage();

    await page.goto(path);
    await heading(page, "Choose your password").waitFor();
    await expectNoSeriousA11yViolations(page);
    await field(page, "Password").fill(PASSWORD);
    await field(page, "Confirm password").fill(PASSWORD);
    await button(page, "Save password").click();

    await page.waitForURL("**/two-factor/setup");
    await heading(page, "Manage Two-Factor Login").waitFor();
    await button(page, "Authenticator app").click();
    await page.waitForURL("**/two-factor/setup/app");
    const keyHeading = page.getByRole("heading", { name: "Can't scan? Enter this key", exact: true });
    const keyText = (await keyHeading.locator("xpath=following-sibling::p[1]").textContent())?.trim() ?? "";
    expect(keyText).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    const secret = Buffer.from(Secret.fromBase32(keyText.replace(/ /g, "")).bytes);
    await field(page, "Six-digit code").fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await button(page, "Verify").click();

    await page.waitForURL((url) => url.pathname === "/");
    await heading(page, "Dashboard").waitFor();
    expect(await button(page, "Ivy Invited").count()).toBe(1);

    // The signed-in account pages, while the second factor is fresh (no step-up in between).
    await page.goto("/account/password");
    await heading(page, "Change password").waitFor();
    for (const label of ["Current password", "New password", "Confirm new password"]) expect(await field(page, label).count(), label).toBe(1);
    await expectNoSeriousA11yViolations(page);
    await page.goto("/account/profile");
    await heading(page, "Profile").waitFor();
    await expectNoSeriousA11yViolations(page);
  }, 60_000);

  test("forgot password: the e-mailed link asks for the code first, then the new password, and leads back to sign-in", async () => {
    const user = await ctx.createUser({ name: "Fay Forgetful" });
    const secret = await enrollApp(ctx, user.email);
    const page = await newPage();

    await page.goto("/login");
    await page.getByRole("link", { name: "Forgot password?", exact: true }).click();
    await heading(page, "Forgot your password?").waitFor();
    await expectNoSeriousA11yViolations(page);
    await field(page, "Email").fill(user.email);
    await button(page, "Send reset link").click();
    await heading(page, "Check your e-mail").waitFor();
    await expectNoSeriousA11yViolations(page);

    await page.goto(await mailedLinkPath(ctx, user.email, "reset-password"));
    await heading(page, "Reset your password").waitFor();
    expect(await field(page, "New password").count()).toBe(0);
    await expectNoSeriousA11yViolations(page);
    ctx.clock.advance(30_000); // the next TOTP step: set-up used this one
    await field(page, "Six-digit code").fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await button(page, "Verify").click();

    await field(page, "New password").waitFor();
    await expectNoSeriousA11yViolations(page);
    await field(page, "New password").fill(NEW_PASSWORD);
    await field(page, "Confirm new password").fill(NEW_PASSWORD);
    await button(page, "Save new password").click();
    await page.waitForURL((url) => url.pathname === "/login");
    expect(await page.getByRole("status").textContent()).toContain("Your password has been changed.");
    await page.goto("/");
    expect(new URL(page.url()).pathname).toBe("/login");
  }, 60_000);
});
