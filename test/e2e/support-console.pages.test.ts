import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { beforeEach, describe, expect, test } from "vitest";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { insertSmsFactor } from "../support/admin.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { E2E_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { heading } from "../support/page-queries.ts";

const SCREENSHOT_DIR = fileURLToPath(new URL("../../test-results/", import.meta.url));
const browser = useBrowser();

describe.each(E2E_DIALECTS)("the support console in a real browser (%s)", (dialect) => {
  const ctx = useTestContext(dialect, {}, "describe");
  const pages = usePages(browser, () => ctx.baseUrl);
  let page: Page;
  beforeEach(async () => {
    page = await pages.open();
  });

  const button = (name: string) => page.getByRole("button", { name, exact: true });

  /** The browser holds a full session of a new `role` user (the sign-in pages have their own browser tests). */
  async function signInAs(role: "support" | "admin", name: string): Promise<void> {
    const user = await ctx.createUser({ role, name, password: null });
    const client = await ctx.fullSessionClient(user);
    const cookie = sessionCookieName(ctx.deps.config);
    await page.context().addCookies([{ name: cookie, value: client.cookie(cookie)!, url: ctx.baseUrl }]);
  }

  test("search page and user page, reached from the account menu, and a refused reset: no serious axe violations", async () => {
    await signInAs("support", "Sam Support");
    const client = await ctx.createUser({ email: "carol@example.com", name: "Carol Client", password: null });
    await insertSmsFactor(ctx.testDb.database, ctx.clock.nowMs(), client.id, "+447400123456");
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: "+447400654321" }).where("id", "=", client.id).execute();
    await ctx.fullSessionClient(client); // a session to list

    await page.goto("/");
    await button("Sam Support").click();
    await page.getByRole("menuitem", { name: "Support console", exact: true }).click();
    await heading(page, "Support console").waitFor();
    await expectNoSeriousA11yViolations(page);

    await page.getByLabel("Search users", { exact: true }).fill("CAROL");
    await page.keyboard.press("Enter");
    await page.getByRole("heading", { name: "Results", exact: true }).waitFor();
    expect(await page.getByText("1 user matches “CAROL”.").count()).toBe(1);
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SCREENSHOT_DIR}admin-search-${dialect}.png`, fullPage: true });

    await page.getByRole("link", { name: "Carol Client", exact: true }).click();
    await heading(page, "Carol Client").waitFor();
    expect(await page.getByText("SMS to •••• •••• 56", { exact: true }).count()).toBe(1);
    await expectNoSeriousA11yViolations(page);

    // A reset without a choice or reason: the errors are tied to their fields and announced with them.
    await button("Reset two-factor").click();
    await heading(page, "Carol Client").waitFor();
    expect(await page.getByLabel("Reason", { exact: true }).getAttribute("aria-invalid")).toBe("true");
    expect(await page.getByRole("group", { name: "Identity check used" }).getAttribute("aria-describedby")).toBe("field-identity_check-error");
    await expectNoSeriousA11yViolations(page);
    await page.screenshot({ path: `${SCREENSHOT_DIR}admin-user-${dialect}.png`, fullPage: true });
  });

  test("an administrator's user page and the create-user form have no serious axe violations", async () => {
    await signInAs("admin", "Ada Admin");
    const client = await ctx.createUser({ name: "Dora Disabled", password: null });
    await page.goto(`/admin/users/${client.id}`);
    await heading(page, "Dora Disabled").waitFor();
    await page.getByRole("heading", { name: "Administration", exact: true }).waitFor();
    await expectNoSeriousA11yViolations(page);

    await page.goto("/admin");
    await page.getByRole("link", { name: "Create user", exact: true }).click();
    await heading(page, "Create user").waitFor();
    await page.getByLabel("Email", { exact: true }).fill("new.agent@example.com");
    await page.getByLabel("Name", { exact: true }).fill("New Agent");
    await page.getByLabel("Role", { exact: true }).selectOption("support");
    await expectNoSeriousA11yViolations(page);
    await button("Create user").click();
    await heading(page, "User created").waitFor();
    expect(await page.locator(".invite-link code").textContent()).toMatch(/\/invite\/[A-Za-z0-9_-]{43}$/);
    await expectNoSeriousA11yViolations(page);
  });
});
