import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createApp, updateApp } from "../../src/auth/apps.ts";
import { PROXY_APP_TTL_MS } from "../../src/auth/proxy-apps.ts";
import { staffClient } from "../support/admin.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import type { HttpClient } from "../support/http-client.ts";

const ORIGINAL = { "x-original-url": "https://files.example.test/docs" };

describe.each(TEST_DIALECTS)("forward auth follows changes to the app (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect, { env: { TRUST_PROXY: "127.0.0.1" } });
  });
  afterEach(() => ctx.close());

  const ask = async (client: HttpClient) => (await client.request("GET", "/auth/request", { headers: ORIGINAL })).status;

  test("a change made in this process (console, CLI functions) counts at once; another instance's within the cache's 5 s", async () => {
    const created = await createApp(ctx.testDb.database.db, ctx.deps, { name: "Files", url: "https://files.example.test/", method: "proxy" });
    if (!created.ok) throw new Error(created.error);
    const user = await ctx.fullSessionClient(await ctx.createUser());
    expect(await ask(user)).toBe(200);

    await updateApp(ctx.testDb.database.db, ctx.clock, created.app.id, { name: "Files", url: "https://files.example.test/", method: "proxy", allowedRoles: ["admin"] });
    expect(await ask(user)).toBe(403);

    // Another instance opens it to everyone again: this one answers from memory until the entry expires.
    await ctx.testDb.database.db.updateTable("apps").set({ allowed_roles: null }).where("id", "=", created.app.id).execute();
    expect(await ask(user)).toBe(403);
    ctx.clock.advance(PROXY_APP_TTL_MS);
    expect(await ask(user)).toBe(200);

    // Removed in the console: refused at once.
    const admin = await staffClient(ctx, "admin");
    expect((await admin.client.submit(`/admin/apps/${created.app.id}/remove`, {})).location).toBe("/admin/apps");
    expect(await ask(user)).toBe(403);
  });

  test("an app registered after its host was asked about is found at once", async () => {
    const user = await ctx.fullSessionClient(await ctx.createUser());
    expect(await ask(user)).toBe(403);
    await createApp(ctx.testDb.database.db, ctx.deps, { name: "Files", url: "https://files.example.test/", method: "proxy" });
    expect(await ask(user)).toBe(200);
  });
});
