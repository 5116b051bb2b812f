import { fileURLToPath } from "node:url";
import jsQRModule from "jsqr";
import type { Locator, Page } from "playwright-core";
import { PNG } from "pngjs";
import { beforeEach, describe, expect, test } from "vitest";
import { RESEND_COOLDOWN_MS } from "../../src/auth/sms-challenge.ts";
import { generateTotpCode } from "../../src/auth/totp.ts";
import { resendCooldownMessage } from "../../src/views/code-messages.ts";
import { MESSAGES } from "../support/messages.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { twilioSms, useFakeTwilio, useTestContext } from "../support/fixtures.ts";
import { heading, isFocused, pathOf } from "../support/page-queries.ts";
import { secretFromUri, wrongTotpCode } from "../support/two-factor.ts";

const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-results/", import.meta.url));
const QR_NAME = "QR code for authenticator app";
const TWILIO_FROM = "+15005550006";
const TYPED_PHONE = "+44 7400 123456";
const PHONE_E164 = "+447400123456";
const browser = useBrowser();
// jsqr is CommonJS: under NodeNext the default import is module.exports, whose `default` is the decoder.
const jsQR = jsQRModule.default;

/** The text of every element the field's aria-describedby points at: what a screen reader announces with it. */
async function descriptionOf(field: Locator): Promise<string> {
  return field.evaluate((element) =>
    String(element.getAttribute("aria-describedby") ?? "")
      .split(/\s+/)
      .filter(Boolean)
      .map((id: string): string => element.ownerDocument.getElementById(id)?.textContent?.trim() ?? `(missing #${id})`)
      .join(" | "),
  );
}

/** Reads the QR code from the pixels of a PNG screenshot, as a phone camera would. */
function decodeQr(png: Buffer): string {
  const image = PNG.sync.read(png);
  const result = jsQR(new Uint8ClampedArray(image.data.buffer, image.data.byteOffset, image.data.byteLength), image.width, image.height);
  if (!result) throw new Error(`no QR code found in the ${image.width}x${image.height} screenshot`);
  return result.data;
}

describe.each(E2E_DIALECTS)("forced two-factor set-up in a real browser (%s)", (dialect) => {
  const twilio = useFakeTwilio("describe");
  const ctx = useTestContext(dialect, () => ({ sms: twilioSms(twilio, TWILIO_FROM) }), "describe");
  let page: Page;
  const pages = usePages(browser, () => ctx.baseUrl);
  beforeEach(async () => {
    page = await pages.open({ clockMs: ctx.clock.nowMs() });
  });

  const codeField = () => page.getByLabel("Six-digit code", { exact: true });
  const button = (name: string) => page.getByRole("button", { name, exact: true });

  async function signIn(email: string): Promise<void> {
    await page.goto("/login");
    await page.getByLabel("Email", { exact: true }).fill(email);
    await page.getByLabel("Password", { exact: true }).fill(TEST_PASSWORD);
    await button("Sign in").click();
  }

  async function expectSetUpDashboard(): Promise<void> {
    await page.waitForURL((url) => url.pathname === "/");
    await heading(page, "Dashboard").waitFor();
    const status = page.getByRole("status");
    expect(await status.count()).toBe(1);
    expect(await status.textContent()).toContain("Two-factor authentication is set up");
  }

  test("authenticator app: scan the QR code, verify, sign out by keyboard, and sign in again with the next code", async () => {
    const user = await ctx.createUser({ name: "Ada Lovelace" });
    await signIn(user.email);
    await page.waitForURL("**/two-factor/setup");
    await heading(page, "Manage Two-Factor Login").waitFor();
    await expectNoSeriousA11yViolations(page);

    await button("Authenticator app").click();
    await page.waitForURL("**/two-factor/setup/app");
    const qr = page.getByRole("img", { name: QR_NAME, exact: true });
    await qr.waitFor();
    expect(await page.locator("#code-expiry").textContent()).toMatch(/^Enter it before .+ \(10:00 left\)\.$/);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SCREENSHOT_DIR}setup-app-qr-${dialect}.png`, fullPage: true });

    // What a phone camera sees: the QR code's pixels, not the page's markup.
    const uri = decodeQr(await qr.screenshot());
    const parsed = new URL(uri);
    expect(parsed.protocol).toBe("otpauth:");
    expect(parsed.host).toBe("totp");
    expect(decodeURIComponent(parsed.pathname)).toBe(`/Gatehouse:${user.email}`);
    expect(parsed.searchParams.get("issuer")).toBe("Gatehouse");
    expect(parsed.searchParams.get("algorithm")).toBe("SHA1");
    expect(parsed.searchParams.get("digits")).toBe("6");
    expect(parsed.searchParams.get("period")).toBe("30");

    const keyHeading = page.getByRole("heading", { name: "Can't scan? Enter this key", exact: true });
    const shownKey = (await keyHeading.locator("xpath=following-sibling::p[1]").textContent())?.trim() ?? "";
    expect(shownKey).toMatch(/^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$/);
    expect(parsed.searchParams.get("secret")).toBe(shownKey.replace(/ /g, ""));
    const secret = secretFromUri(uri);
    expect(secret).toHaveLength(20);

    // A wrong code: the error is tied to the field and the same key is still shown.
    await codeField().fill(wrongTotpCode(secret, ctx.clock.nowMs()));
    await button("Verify").click();
    // Said twice: in the error summary at the top (focused, linking here) and next to the field.
    await page.locator("[data-error-summary]").getByText(MESSAGES.codeWrong).waitFor();
    expect(await page.getByText(MESSAGES.codeWrong).count()).toBe(2);
    expect(pathOf(page)).toBe("/two-factor/setup/app/verify");
    expect(await codeField().getAttribute("aria-invalid")).toBe("true");
    expect(await descriptionOf(codeField())).toContain(MESSAGES.codeWrong);
    expect(decodeQr(await qr.screenshot())).toBe(uri);
    await expectNoSeriousA11yViolations(page);

    await codeField().fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await button("Verify").click();
    await expectSetUpDashboard();
    expect(await page.getByText("Authenticator app", { exact: true }).count()).toBe(1);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SCREENSHOT_DIR}setup-dashboard-${dialect}.png`, fullPage: true });

    // Sign out through the account menu, by keyboard (WAI-ARIA menu button).
    const menuButton = button("Ada Lovelace");
    await menuButton.focus();
    await page.keyboard.press("Enter");
    expect(await menuButton.getAttribute("aria-expanded")).toBe("true");
    expect(await isFocused(page, page.getByRole("menuitem", { name: "Manage Two-Factor", exact: true }))).toBe(true);
    await page.keyboard.press("End"); // "Sign out" is the last item
    expect(await isFocused(page, page.getByRole("menuitem", { name: "Sign out", exact: true }))).toBe(true);
    await page.keyboard.press("Enter");
    await page.waitForURL("**/login");
    await page.goto("/");
    expect(pathOf(page)).toBe("/login");

    // Every later sign-in asks for the code; the set-up step's code is spent, the next step's is not.
    await signIn(user.email);
    await page.waitForURL("**/two-factor/verify");
    await heading(page, "Two-Factor Verification").waitFor();
    await page.goto("/");
    expect(pathOf(page)).toBe("/two-factor/verify");
    ctx.clock.advance(30_000);
    await pages.setClock(ctx.clock.nowMs());
    await codeField().fill(generateTotpCode({ secret, nowMs: ctx.clock.nowMs() }));
    await button("Verify").click();
    await page.waitForURL((url) => url.pathname === "/");
    await heading(page, "Dashboard").waitFor();
  }, 60_000); // two password sign-ins (argon2) and four axe runs: ~5 s alone, 13 s on a busy machine

  test("SMS through a Twilio-speaking server: send, resend cool-down, verify", async () => {
    const user = await ctx.createUser({ name: "Grace Hopper" });
    const requestsBefore = twilio.requestCount();
    await signIn(user.email);
    await heading(page, "Manage Two-Factor Login").waitFor();

    await button("SMS").click();
    await page.waitForURL("**/two-factor/setup/sms");
    await heading(page, "Set up SMS codes").waitFor();
    await expectNoSeriousA11yViolations(page);
    await page.getByLabel("Phone number", { exact: true }).fill(TYPED_PHONE);
    await button("Send code").click();
    await page.waitForURL("**/two-factor/setup/sms/verify");
    await heading(page, "Enter the code we sent").waitFor();
    await expectNoSeriousA11yViolations(page);

    // The fake only records a message whose Authorization is Basic base64(sid:token), on the
    // account's Messages.json, form-encoded; so one request and one message means all of that held.
    expect(twilio.requestCount() - requestsBefore).toBe(1);
    const sent = twilio.messages.filter((message) => message.to === PHONE_E164);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ to: PHONE_E164, from: TWILIO_FROM });
    const code = /\b(\d{6})\b/.exec(sent[0]!.body)?.[1];
    expect(code, `a six-digit code in "${sent[0]!.body.replace(/\d/g, "#")}"`).toBeDefined();
    expect(await page.getByText(/ending 56\b/).count()).toBe(1);

    // While the cool-down runs, "Resend code" is disabled and its hint (said once) counts the seconds left.
    expect(await button("Resend code").isDisabled()).toBe(true);
    // The hint counts down in real time (the page's clock is fixed, its timers are not).
    expect(resendCooldownMessage(RESEND_COOLDOWN_MS)).toBe("You can ask for a new code in 30 seconds.");
    expect((await page.locator("#resend-hint").textContent())?.trim()).toMatch(/^You can ask for a new code in \d+ seconds?\.$/);
    expect(await page.getByText("You can ask for a new code in").count()).toBe(1);
    expect(await codeField().getAttribute("aria-invalid")).toBeNull();
    expect(await page.locator("#code-error").count()).toBe(0);
    expect(twilio.requestCount() - requestsBefore).toBe(1);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SCREENSHOT_DIR}setup-sms-cooldown-${dialect}.png`, fullPage: true });

    // The first code is still the live one.
    await codeField().fill(code!);
    await button("Verify").click();
    await expectSetUpDashboard();
    expect(await page.getByText("SMS to •••• •••• 56", { exact: true }).count()).toBe(1);
  });
});
