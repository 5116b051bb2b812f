import { mkdirSync } from "node:fs";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createInvitedUser } from "../../src/auth/invitation.ts";
import { INVITE_TTL_MS } from "../../src/auth/one-time-link.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { heading } from "../support/browser-session.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { insertUsers } from "../support/users-list.ts";

/** Screenshots for a human to look at (SHOTS_DIR=/work/shots/users-list/ to keep them). */
const SHOTS = process.env.SHOTS_DIR ?? "/tmp/users-list-shots/";
const LONG_NAME = "Maximiliana Wolfeschlegelsteinhausenbergerdorff-Featherstonehaugh";
const browser = useBrowser();

describe.each(E2E_DIALECTS)("the console's Users page in a real browser (%s)", (dialect) => {
  let ctx: TestContext;
  let adminToken: string;
  let supportToken: string;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    ctx = await createTestContext(dialect);
    const admin = await ctx.createUser({ role: "admin", name: "Ada Admin", email: "ada@staff.example" });
    const support = await ctx.createUser({ role: "support", name: "Sam Support", email: "sam@staff.example" });
    const kinds = ["totp", "sms", "webauthn", undefined] as const;
    await insertUsers(ctx, [
      { email: "maximiliana.wolfeschlegelsteinhausenbergerdorff@a-very-long-company-name.example", name: LONG_NAME, method: "totp", lastSignInAt: ctx.clock.nowMs() - 3_600_000 },
      ...Array.from({ length: 64 }, (_, i) => ({ email: `client${String(i).padStart(2, "0")}@example.com`, name: `Client ${i}`, method: kinds[i % 4], disabled: i % 9 === 4, lastSignInAt: i % 3 ? ctx.clock.nowMs() - i * 86_400_000 : undefined })),
    ]);
    const deps = { clock: ctx.clock, random: cryptoRandom, publicUrl: new URL(ctx.baseUrl), portalName: "Gatehouse" };
    const invite = (email: string, displayName: string) => createInvitedUser(ctx.testDb.database.db, deps, { inviter: { kind: "cli" }, email, displayName, role: "client" });
    await invite("expired.invitee@example.com", "Erin Expired");
    ctx.clock.advance(INVITE_TTL_MS + 60_000);
    await invite("new.invitee@example.com", "Nora New");
    await invite("long.invitee.with.a.very.long.address@a-very-long-company-name.example", LONG_NAME);
    // Sessions once the clock has moved (the fake clock's "now" is what they expire against).
    const token = async (user: typeof admin) => (await ctx.fullSessionClient(user)).cookie(sessionCookieName(ctx.deps.config))!;
    [adminToken, supportToken] = [await token(admin), await token(support)];
  });
  afterAll(async () => ctx?.close());
  const pages = usePages(browser, () => ctx.baseUrl);

  async function open(token: string, width: number, javaScriptEnabled = true): Promise<Page> {
    const page = await pages.open({ javaScriptEnabled });
    await page.setViewportSize({ width, height: 900 });
    await page.context().addCookies([{ name: sessionCookieName(ctx.deps.config), value: token, url: ctx.baseUrl }]);
    return page;
  }

  /** Nothing scrolls sideways, axe finds nothing serious, and a screenshot for a human. */
  async function check(page: Page, name: string, width: number): Promise<void> {
    const [scrollWidth, innerWidth] = await page.evaluate<[number, number]>("[document.documentElement.scrollWidth, window.innerWidth]");
    expect(scrollWidth, `${name} at ${width} px scrolls sideways`).toBeLessThanOrEqual(innerWidth);
    if (width !== 320) await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SHOTS}${name}-${width}-${dialect}.png`, fullPage: true });
  }

  test("an administrator filters the users, pages through them and sees pending invitations, at 1280, 390 and 320 px", { timeout: 120_000 }, async () => {
    for (const width of [1280, 390, 320]) {
      const page = await open(adminToken, width);
      await page.goto("/admin");
      await page.getByRole("link", { name: "Users", exact: true }).click();
      await heading(page, "Users").waitFor();
      expect(await page.getByText("Users 1–50 of 70", { exact: true }).count()).toBe(1);
      await check(page, "users", width);

      await page.getByLabel("Role", { exact: true }).selectOption("client");
      await page.getByLabel("Two-factor", { exact: true }).selectOption("set_up");
      await page.getByRole("button", { name: "Apply filters", exact: true }).click();
      await page.getByText("Users 1–49 of 49", { exact: true }).waitFor();
      expect(new URL(page.url()).search).toBe("?role=client&status=all&two_factor=set_up");
      expect(await page.getByLabel("Role", { exact: true }).inputValue()).toBe("client");
      await check(page, "users-filtered", width);

      await page.goto("/admin/users");
      await page.getByRole("link", { name: "Next page", exact: true }).click();
      await page.getByText("Users 51–70 of 70", { exact: true }).waitFor();
      await page.getByRole("link", { name: "Pending invitations (3)", exact: true }).click();
      await page.getByRole("heading", { name: "Pending invitations", exact: true }).waitFor();
      expect(await page.getByRole("button", { name: "Resend invitation", exact: true }).count()).toBe(3);
      expect(await page.getByRole("row", { name: /Erin Expired/ }).getByText("Expired", { exact: true }).count()).toBe(1);
      await check(page, "invitations", width);
    }
  });

  test("an administrator resends one invitation and revokes another; the page says so", async () => {
    const page = await open(adminToken, 1280);
    await page.goto("/admin/users/invitations");
    const row = (name: string) => page.getByRole("row", { name: new RegExp(name) });
    await row("Erin Expired").getByRole("button", { name: "Resend invitation", exact: true }).click();
    await page.getByRole("status").getByText("A new invitation was e-mailed to expired.invitee@example.com.", { exact: false }).waitFor();
    expect(await row("Erin Expired").getByText("Expired", { exact: true }).count()).toBe(0);

    await row("Nora New").getByRole("button", { name: "Revoke invitation", exact: true }).click();
    await heading(page, "Revoke the invitation to new.invitee@example.com?").waitFor();
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SHOTS}revoke-confirm-1280-${dialect}.png`, fullPage: true });
    await page.getByRole("button", { name: "Revoke invitation", exact: true }).click();
    await page.getByRole("status").getByText("The invitation to new.invitee@example.com was revoked", { exact: false }).waitFor();
    expect(await row("Nora New").count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}invitations-after-1280-${dialect}.png`, fullPage: true });
  });

  test("a support agent reads both lists without the buttons; the filters work without JavaScript", async () => {
    const page = await open(supportToken, 390, false);
    await page.goto("/admin/users");
    await page.getByLabel("Status", { exact: true }).selectOption("disabled");
    await page.getByRole("button", { name: "Apply filters", exact: true }).click();
    await page.getByText(/^Users 1–\d+ of \d+$/).waitFor();
    expect(new URL(page.url()).searchParams.get("status")).toBe("disabled");
    // At this width each cell says its column ("Status: Disabled"), read out as its name too.
    expect(await page.getByRole("cell", { name: /^(Status: )?Active$/ }).count()).toBe(0);
    expect(await page.getByRole("cell", { name: /^(Status: )?Disabled$/ }).count()).toBe(7);

    const scripted = await open(supportToken, 390); // axe runs in the page: JavaScript on
    await scripted.goto("/admin/users/invitations");
    await scripted.getByText("Only an administrator can resend or revoke invitations.", { exact: false }).waitFor();
    expect(await scripted.getByRole("button", { name: "Resend invitation" }).count()).toBe(0);
    await check(scripted, "invitations-support", 390);
  });
});
