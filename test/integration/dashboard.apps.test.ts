import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createApp } from "../../src/auth/apps.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";

describe.each(TEST_DIALECTS)('dashboard: "Your apps" (%s)', (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(() => ctx.close());

  const register = async (name: string, url: string, allowedRoles: string[] | null = null) => {
    const result = await createApp(ctx.testDb.database.db, ctx.deps, { name, url, method: "proxy", allowedRoles });
    if (!result.ok) throw new Error(result.error);
  };

  test("lists each app the user may use as a link named after it, with its address, and none of the others", async () => {
    await register("Billing", "https://billing.example.test/");
    await register("Staff wiki", "https://wiki.example.test/", ["support", "admin"]);
    await register("Support <tickets>", "https://tickets.example.test/help?x=1&y=2", ["client"]);
    const client = await ctx.fullSessionClient(await ctx.createUser());
    const page = await client.get("/");
    expect(page.body).toContain('<h2 id="apps-heading">Your apps</h2>');
    expect(page.body).toContain('<li><a href="https://billing.example.test/">Billing</a> <span class="hint app-address">https://billing.example.test/</span></li>');
    expect(page.body).toContain('<a href="https://tickets.example.test/help?x=1&amp;y=2">Support &lt;tickets&gt;</a>');
    expect(page.body).not.toContain("Staff wiki");

    const support = await ctx.fullSessionClient(await ctx.createUser({ role: "support" }));
    const staffPage = (await support.get("/")).body;
    expect(staffPage).toContain(">Staff wiki</a>");
    expect(staffPage).not.toContain("Support &lt;tickets&gt;");
  });

  test("a user who may use no app sees no section at all", async () => {
    await register("Staff wiki", "https://wiki.example.test/", ["admin"]);
    const page = await (await ctx.fullSessionClient(await ctx.createUser())).get("/");
    expect(page.status).toBe(200);
    expect(page.body).not.toContain("Your apps");
    expect(page.body).not.toContain("apps-heading");
  });
});
