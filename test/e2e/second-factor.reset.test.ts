import type { Page } from "playwright-core";
import { describe, expect, test } from "vitest";
import { generateTotpCode } from "../../src/auth/totp.ts";
import { MESSAGES } from "../support/messages.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { twilioSms, useFakeTwilio, useTestContext } from "../support/fixtures.ts";
import { heading, isFocused } from "../support/page-queries.ts";
import { enrollApp, keyFromSetupPage, otherCode } from "../support/two-factor.ts";

const TWILIO_FROM = "+15005550006";
const FALLBACK_E164 = "+447400654321";
const browser = useBrowser();

describe.each(E2E_DIALECTS)("lost device: reset two-factor with the fallback phone in a real browser (%s)", (dialect) => {
  const twilio = useFakeTwilio("describe");
  const ctx = useTestContext(dialect, () => ({ sms: twilioSms(twilio, TWILIO_FROM) }), "describe");

  const pages = usePages(browser, () => ctx.baseUrl);
  const newPage = (javaScriptEnabled: boolean) => pages.open({ javaScriptEnabled, clockMs: ctx.clock.nowMs() });

  /** A user with an authenticator app and a fallback phone, whose app is now lost. */
  async function userWhoLostTheirPhone(name: string) {
    const user = await ctx.createUser({ name });
    await enrollApp(ctx, user.email);
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: FALLBACK_E164 }).where("id", "=", user.id).execute();
    ctx.clock.advance(30_000);
    await pages.setClock(ctx.clock.nowMs());
    return user;
  }

  async function signIn(page: Page, email: string): Promise<void> {
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await page.getByRole("button", { name: "Sign in", exact: true }).click();
    await heading(page, "Two-Factor Verification").waitFor();
  }

  /** The reset code in the last text the Twilio-speaking server accepted for the fallback phone. */
  function resetCodeFromTwilio(sentBefore: number): string {
    const sent = twilio.messages.filter((message) => message.to === FALLBACK_E164);
    expect(sent).toHaveLength(sentBefore + 1);
    const code = /\b(\d{6})\b/.exec(sent.at(-1)!.body)?.[1];
    if (!code) throw new Error("no code in the text");
    return code;
  }

  const sentToFallback = () => twilio.messages.filter((message) => message.to === FALLBACK_E164).length;

  test("with JavaScript: a modal dialog, focus managed, Escape and reopen keep the code; then a new app and the dashboard", async () => {
    const page = await newPage(true);
    const user = await userWhoLostTheirPhone("Rosalind Franklin");
    await signIn(page, user.email);
    const sentBefore = sentToFallback();

    const opener = page.getByRole("button", { name: "Reset Two-Factor", exact: true });
    const dialog = page.getByRole("dialog", { name: "Reset Two-Factor" });
    await opener.click();
    await dialog.waitFor();
    expect(await dialog.evaluate((element) => element.hasAttribute("open") && element.matches(":modal"))).toBe(true);
    expect(await dialog.evaluate((element) => element.contains(element.ownerDocument.activeElement))).toBe(true);
    expect(await dialog.textContent()).toContain("•••• •••• 21");
    const send = dialog.getByRole("button", { name: "Send Reset SMS code", exact: true });
    expect(await isFocused(page, send)).toBe(true);
    await expectNoSeriousA11yViolations(page);

    await send.click();
    await page.waitForURL("**/two-factor/reset");
    const codeField = dialog.getByLabel("Reset code", { exact: true });
    await codeField.waitFor();
    expect(await dialog.evaluate((element) => element.matches(":modal"))).toBe(true);
    expect(await isFocused(page, codeField)).toBe(true);
    const code = resetCodeFromTwilio(sentBefore);
    await expectNoSeriousA11yViolations(page);

    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await isFocused(page, opener)).toBe(true);
    await page.keyboard.press("Enter");
    await codeField.waitFor();
    expect(await isFocused(page, codeField)).toBe(true);

    await codeField.fill(otherCode(code));
    await dialog.getByRole("button", { name: "Reset Two-Factor", exact: true }).click();
    await dialog.getByText(MESSAGES.codeWrong).first().waitFor();
    expect(await codeField.getAttribute("aria-invalid")).toBe("true");
    expect(await isFocused(page, codeField)).toBe(true);
    await expectNoSeriousA11yViolations(page);
    expect(sentToFallback()).toBe(sentBefore + 1); // reopening and a wrong try sent nothing new

    await codeField.fill(code);
    await dialog.getByRole("button", { name: "Reset Two-Factor", exact: true }).click();
    await heading(page, "Manage Two-Factor Login").waitFor();
    expect(await page.getByRole("status").textContent()).toContain("has been reset");
    await page.goto("/");
    await heading(page, "Manage Two-Factor Login").waitFor(); // nothing else until a new method

    await page.getByRole("button", { name: "Authenticator app", exact: true }).click();
    await page.waitForURL("**/two-factor/setup/app");
    const secret = keyFromSetupPage(await page.content());
    await page.getByLabel("Six-digit code", { exact: true }).fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await page.getByRole("button", { name: "Verify", exact: true }).click();
    await heading(page, "Dashboard").waitFor();
    expect(await page.getByRole("status").textContent()).toContain("Two-factor authentication is set up");
    expect(await page.getByRole("cell", { name: "Two-factor sign-in reset with the fallback phone" }).count()).toBe(1);
  }, 60_000);

  test("without JavaScript the dialog is a page of its own, and the reset works the same", async () => {
    const page = await newPage(false);
    const user = await userWhoLostTheirPhone("Barbara McClintock");
    await signIn(page, user.email);
    const sentBefore = sentToFallback();

    await page.getByRole("button", { name: "Reset Two-Factor", exact: true }).click();
    await page.waitForURL((url) => url.pathname === "/two-factor/reset"); // a GET form: "/two-factor/reset?"
    const dialog = page.getByRole("dialog", { name: "Reset Two-Factor" });
    await dialog.waitFor();
    await dialog.getByRole("button", { name: "Send Reset SMS code", exact: true }).click();
    await page.waitForURL("**/two-factor/reset");
    const codeField = dialog.getByLabel("Reset code", { exact: true });
    const code = resetCodeFromTwilio(sentBefore);

    await codeField.fill(otherCode(code));
    await dialog.getByRole("button", { name: "Reset Two-Factor", exact: true }).click();
    await dialog.getByText(MESSAGES.codeWrong).first().waitFor();

    await dialog.getByRole("link", { name: "Close", exact: true }).click(); // back on the verification page
    await heading(page, "Two-Factor Verification").waitFor();
    await page.getByRole("button", { name: "Reset Two-Factor", exact: true }).click();
    await page.getByRole("dialog", { name: "Reset Two-Factor" }).getByLabel("Reset code", { exact: true }).fill(code);
    await page.getByRole("dialog", { name: "Reset Two-Factor" }).getByRole("button", { name: "Reset Two-Factor", exact: true }).click();
    await heading(page, "Manage Two-Factor Login").waitFor();
    expect(await page.getByRole("status").textContent()).toContain("has been reset");
  }, 60_000);
});
