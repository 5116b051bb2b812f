import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateTotpCode } from "../../src/auth/totp.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { createOidcTestContext } from "../support/relying-party.ts";
import { type RpServer, startRpServer } from "../support/rp-server.ts";
import { secretFromUri } from "../support/two-factor.ts";

const browser = useBrowser();

describe.each(E2E_DIALECTS)("single sign-on into apps in a real browser (%s)", (dialect) => {
  let ctx: TestContext;
  let files: RpServer;
  let wiki: RpServer;
  beforeAll(async () => {
    ctx = await createOidcTestContext(dialect);
    files = await startRpServer(ctx, "Files");
    wiki = await startRpServer(ctx, "Wiki");
  });
  afterAll(async () => {
    await files?.close();
    await wiki?.close();
    await ctx?.close();
  });
  const pages = usePages(browser, () => ctx.baseUrl);

  async function claimsOn(page: Page, app: string): Promise<Record<string, unknown>> {
    await page.getByRole("heading", { name: `Welcome to ${app}` }).waitFor();
    return JSON.parse((await page.locator("#claims").textContent()) ?? "{}") as Record<string, unknown>;
  }

  test("an app sends a new client through sign-in and forced set-up, gets an ID token with mfa, and a second app needs no password", async () => {
    const user = await ctx.createUser({ name: "Grace Hopper" });
    const page = await pages.open({ clockMs: ctx.clock.nowMs() });

    await page.goto(`${files.origin}/login`);
    await page.waitForURL((url) => url.pathname === "/login" && url.searchParams.has("next"));
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel("Email", { exact: true }).fill(user.email);
    await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();

    await page.getByRole("heading", { level: 1, name: "Manage Two-Factor Login" }).waitFor();
    await page.getByRole("button", { name: "Authenticator app", exact: true }).click();
    await page.waitForURL("**/two-factor/setup/app");
    const key = (await page.getByRole("heading", { name: "Can't scan? Enter this key" }).locator("xpath=following-sibling::p[1]").textContent())!.replace(/\s/g, "");
    const secret = secretFromUri(`otpauth://totp/x?secret=${key}`);
    await page.getByLabel("Six-digit code", { exact: true }).fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await page.getByRole("button", { name: "Verify", exact: true }).click();

    const claims = await claimsOn(page, "Files");
    expect(new URL(page.url()).origin).toBe(files.origin);
    expect(claims.sub).toBe(user.id);
    expect(claims.amr).toEqual(["pwd", "mfa", "otp"]);
    expect(claims.name).toBe("Grace Hopper");

    // Single sign-on: the second app signs in without the password or a code.
    await page.goto(`${wiki.origin}/login`);
    expect((await claimsOn(page, "Wiki")).amr).toContain("mfa");

    await page.goto(`${ctx.baseUrl}/`);
    await page.getByRole("heading", { level: 1, name: "Dashboard" }).waitFor();
    await page.getByText("Signed in to Files").waitFor();
    await page.getByText("Signed in to Wiki").waitFor();
    await expectNoSeriousA11yViolations(page);
  });
});
