import type { Page } from "playwright-core";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { createApp, findAppByName } from "../../src/auth/apps.ts";
import { expectNoSeriousA11yViolations, useBrowser, usePages } from "../support/browser.ts";
import { heading, signInBrowserAs } from "../support/browser-session.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { E2E_DIALECTS } from "../support/databases.ts";

const SHOTS = process.env.SCREENSHOT_DIR ?? "/tmp/forward-auth-shots/";
const WIDTHS = [1280, 390] as const;
const browser = useBrowser();

describe.each(E2E_DIALECTS)('the console\'s "Apps" and the dashboard\'s "Your apps" in a real browser (%s)', (dialect) => {
  let ctx: TestContext;
  let page: Page;
  beforeAll(async () => {
    ctx = await createTestContext(dialect);
  });
  afterAll(async () => {
    await ctx?.close();
  });
  const pages = usePages(browser, () => ctx.baseUrl);
  beforeEach(async () => {
    page = await pages.open();
  });

  const signInAs = (role: "client" | "admin", name: string) => signInBrowserAs(ctx, page, role, name);

  /** axe at both widths, with a screenshot of each. */
  async function checkWidths(name: string): Promise<void> {
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 900 });
      await expectNoSeriousA11yViolations(page);
      await page.screenshot({ path: `${SHOTS}${name}-${width}-${dialect}.png`, fullPage: true });
    }
  }

  test("an administrator reaches Apps from the account menu, adds an app with the keyboard and mouse, sees its secret once, edits and removes it", async () => {
    await signInAs("admin", "Ada Admin");
    await page.goto("/");
    await page.getByRole("button", { name: "Ada Admin", exact: true }).click();
    await page.getByRole("menuitem", { name: "Apps", exact: true }).click();
    await heading(page, "Apps").waitFor();
    await checkWidths("apps-empty");

    await page.getByRole("link", { name: "Add app", exact: true }).click();
    await heading(page, "Add app").waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Files");
    await page.getByLabel("Address", { exact: true }).fill("https://files.example.test/");
    await page.getByRole("radio", { name: "OpenID Connect", exact: true }).check();
    await page.getByLabel("Redirect URIs", { exact: true }).fill("https://files.example.test/callback");
    await page.getByRole("radio", { name: "Everyone", exact: true }).check();
    await checkWidths("apps-add");
    await page.getByRole("button", { name: "Add app", exact: true }).click();
    await heading(page, "Files was added.").waitFor();
    const secret = await page.locator("dd code").nth(1).textContent();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await checkWidths("apps-added");

    await page.getByRole("link", { name: "Back to apps", exact: true }).click();
    await page.getByRole("link", { name: "Files", exact: true }).click();
    await heading(page, "Files").waitFor();
    expect(await page.content()).not.toContain(secret!);
    await checkWidths("apps-edit");
    await page.getByRole("radio", { name: "Chosen roles", exact: true }).check();
    await page.getByRole("checkbox", { name: "Client", exact: true }).check();
    await page.getByRole("button", { name: "Save changes", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Files was saved." }).waitFor();
    expect((await findAppByName(ctx.testDb.database.db, "Files"))!.allowed_roles).toBe('["client"]');

    await page.getByRole("link", { name: "Files", exact: true }).click();
    await page.getByRole("link", { name: "Remove app", exact: true }).click();
    await heading(page, "Remove Files?").waitFor();
    await checkWidths("apps-remove");
    await page.getByRole("button", { name: "Remove app", exact: true }).click();
    await page.getByRole("status").filter({ hasText: "Files was removed." }).waitFor();
    expect(await findAppByName(ctx.testDb.database.db, "Files")).toBeUndefined();
  }, 120_000);

  test('a form with mistakes comes back with each error tied to its field', async () => {
    await signInAs("admin", "Abe Admin");
    await page.goto("/admin/apps/new");
    await page.getByRole("button", { name: "Add app", exact: true }).click();
    await heading(page, "Add app").waitFor();
    expect(await page.getByRole("group", { name: "Sign-in method" }).getAttribute("aria-describedby")).toBe("field-method-error");
    await checkWidths("apps-errors");
  });

  test('a client\'s dashboard lists "Your apps" as links named after them', async () => {
    for (const [name, url] of [["Billing", "https://billing.example.test/"], ["Support tickets with a long name", "https://support-tickets.example.test/very/long/path/for/the/narrow/screen"]] as const) {
      await createApp(ctx.testDb.database.db, ctx.deps, { name, url, method: "proxy" });
    }
    await signInAs("client", "Carol Client");
    await page.goto("/");
    await page.getByRole("heading", { level: 2, name: "Your apps", exact: true }).waitFor();
    expect(await page.getByRole("link", { name: "Billing", exact: true }).getAttribute("href")).toBe("https://billing.example.test/");
    await checkWidths("dashboard-your-apps");
  });
});
