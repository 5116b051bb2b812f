import { mkdirSync } from "node:fs";
import type { Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { generateTotpCode } from "../../src/auth/totp.ts";
import { PASSKEY_MESSAGES } from "../../src/features/passkeys/passkeys.messages.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { enrollApp } from "../support/two-factor.ts";
import { addVirtualAuthenticator, useLocalhostPublicUrl } from "../support/webauthn.ts";

const SHOTS = "/tmp/factors-shots";
const browser = useBrowser();

describe.each(E2E_DIALECTS)("passkeys in Chromium's WebAuthn stack (%s)", (dialect) => {
  let ctx: TestContext;
  let origin = "";
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
    origin = useLocalhostPublicUrl(ctx);
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => ctx?.close());

  const pages = usePages(browser, () => origin);
  const heading = (page: Page, name: string): Locator => page.getByRole("heading", { level: 1, name, exact: true });
  const button = (page: Page, name: string) => page.getByRole("button", { name, exact: true });
  const db = () => ctx.testDb.database.db;

  async function password(page: Page, email: string) {
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await button(page, "Sign in").click();
    await heading(page, "Two-Factor Verification").waitFor();
  }

  async function signOut(page: Page) {
    await page.goto("/");
    await page.getByRole("button", { name: /Client/ }).first().click();
    await page.getByRole("menuitem", { name: "Sign out" }).click();
    await heading(page, "Sign in").waitFor();
  }

  async function checkA11y(page: Page, name: string) {
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await expectNoSeriousA11yViolations(page);
      await page.screenshot({ path: `${SHOTS}/${name}-${width}.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  }

  /** An app user switches to a passkey in the browser; returns the page (still signed in) and its authenticator. */
  async function switchToPasskey(shots = false) {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const page = await pages.open();
    const authenticator = await addVirtualAuthenticator(page);
    ctx.clock.advance(30_000);
    await password(page, user.email);
    await page.getByLabel("Six-digit code", { exact: true }).fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await button(page, "Verify").click();
    await heading(page, "Dashboard").waitFor();
    await page.goto("/two-factor");
    await page.getByRole("button", { name: "Set Up Now", exact: true }).and(page.locator("[aria-describedby=method-webauthn-name]")).click();
    await heading(page, "Set up a passkey").waitFor();
    await page.getByLabel("Passkey name", { exact: true }).fill("Test laptop");
    if (shots) await checkA11y(page, "passkey-setup");
    await button(page, "Create passkey").click();
    await heading(page, "Manage Two-Factor Login").waitFor();
    expect(await page.getByRole("status").textContent()).toContain("now uses your passkey");
    if (shots) await checkA11y(page, "manage-with-passkey");
    return { user, page, ...authenticator };
  }

  test("switch to a passkey, then sign in with it (\"Use passkey\"); the session records webauthn", async () => {
    const { user, page } = await switchToPasskey(true);
    const stored = await db().selectFrom("webauthn_credentials").selectAll().where("user_id", "=", user.id).execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ name: "Test laptop", backed_up: 0 });
    await signOut(page);
    await password(page, user.email);
    await checkA11y(page, "verify-passkey");
    await button(page, "Use passkey").click();
    await heading(page, "Dashboard").waitFor();
    const sessions = await db().selectFrom("sessions").select("second_factor_method").where("user_id", "=", user.id).where("stage", "=", "full").execute();
    expect(sessions.map((s) => s.second_factor_method)).toContain("webauthn");
  }, 60_000);

  test("Manage lists passkeys; Add a passkey; Remove (never the last)", async () => {
    const { user, page, cdp } = await switchToPasskey();
    await cdp.send("WebAuthn.addVirtualAuthenticator", { options: { protocol: "ctap2", transport: "usb", hasResidentKey: false, hasUserVerification: false, automaticPresenceSimulation: true } });
    await page.getByRole("button", { name: "Manage", exact: true }).and(page.locator("[aria-describedby=method-webauthn-name]")).click();
    await heading(page, "Passkeys").waitFor();
    await expect(page.getByRole("button", { name: "Remove" }).count()).resolves.toBe(0);
    await page.getByLabel("Passkey name", { exact: true }).fill("Desk key");
    await button(page, "Add a passkey").click();
    await page.getByRole("cell", { name: "Desk key" }).waitFor();
    await checkA11y(page, "passkeys-list");
    expect(await db().selectFrom("webauthn_credentials").select("id").where("user_id", "=", user.id).execute()).toHaveLength(2);
    await page.getByRole("button", { name: "Remove" }).first().click();
    expect(await page.getByRole("status").textContent()).toContain(PASSKEY_MESSAGES.removed);
    expect(await db().selectFrom("webauthn_credentials").select("id").where("user_id", "=", user.id).execute()).toHaveLength(1);
    await expect(page.getByRole("button", { name: "Remove" }).count()).resolves.toBe(0);
  });

  test("an authenticator that cannot verify the user does not sign in", async () => {
    const { user, page, cdp, authenticatorId } = await switchToPasskey();
    await signOut(page);
    await cdp.send("WebAuthn.setUserVerified", { authenticatorId, isUserVerified: false });
    await password(page, user.email);
    await button(page, "Use passkey").click();
    await page.getByText(PASSKEY_MESSAGES.ceremonyFailed).waitFor();
    await heading(page, "Two-Factor Verification").waitFor();
    expect((await page.request.get("/", { maxRedirects: 0 })).headers().location).toBe("/two-factor/verify");
  });

  test("without JavaScript the page says passkeys need it and still offers Reset Two-Factor", async () => {
    const { user } = await switchToPasskey();
    const page = await pages.open({ javaScriptEnabled: false });
    await password(page, user.email);
    await page.getByText(PASSKEY_MESSAGES.needsJavaScript).waitFor();
    expect(await button(page, "Use passkey").isVisible()).toBe(false);
    expect(await button(page, "Reset Two-Factor").isVisible()).toBe(true);
    // axe runs as a script, which this page may not run: a screenshot only.
    await page.screenshot({ path: `${SHOTS}/verify-passkey-nojs-1280.png`, fullPage: true });
  }, 60_000);

  test("a replayed assertion and a counter that went backwards are refused; the counter is audited", async () => {
    const { user, page } = await switchToPasskey();
    await signOut(page);
    await password(page, user.email);
    const posted = page.waitForRequest((request) => request.url().endsWith("/two-factor/passkey") && request.method() === "POST");
    await button(page, "Use passkey").click();
    const captured = new URLSearchParams((await posted).postData() ?? "");
    await heading(page, "Dashboard").waitFor();
    await signOut(page);
    await password(page, user.email);
    const csrf = await page.locator("input[name=_csrf]").first().inputValue();
    const replay = await page.request.post("/two-factor/passkey", { form: { _csrf: csrf, response: captured.get("response")! }, maxRedirects: 0 });
    expect(replay.status()).toBe(400);
    expect((await page.request.get("/", { maxRedirects: 0 })).headers().location).toBe("/two-factor/verify");

    await db().updateTable("webauthn_credentials").set({ sign_count: 1_000_000 }).where("user_id", "=", user.id).execute();
    await page.goto("/two-factor/verify");
    await button(page, "Use passkey").click();
    await page.getByText(PASSKEY_MESSAGES.counter).waitFor();
    const events = await db().selectFrom("audit_events").select("type").where("subject_user_id", "=", user.id).execute();
    expect(events.map((e) => e.type)).toContain("passkey.counter_rejected");
  });
});
