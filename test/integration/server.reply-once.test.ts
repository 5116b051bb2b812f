import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { staffClient } from "../support/admin.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { captureLogs, type LogCapture } from "../support/log-capture.ts";

/**
 * A guard that answers and then lets the handler run makes Fastify log "Reply was already sent" (and
 * the handler may act for a request that was refused). Walk every guarded door as every kind of
 * visitor and fail on any such line.
 */
const PAGES = ["/", "/admin", "/admin/users/new", "/admin/users/0123456789abcdef0123456789abcdef", "/two-factor", "/two-factor/setup", "/two-factor/setup/app", "/two-factor/setup/sms", "/two-factor/fallback", "/two-factor/verify", "/two-factor/reset", "/two-factor/step-up", "/account/password", "/account/profile", "/account/sessions", "/login", "/forgot-password", "/no-such-page"];
const POSTS = ["/admin/users", "/admin/users/0123456789abcdef0123456789abcdef/disable", "/admin/users/0123456789abcdef0123456789abcdef/role", "/two-factor/fallback/remove", "/two-factor/setup/app/start"];

describe.each(TEST_DIALECTS)("every reply is sent once (%s)", (dialect) => {
  let ctx: TestContext;
  let logs: LogCapture;
  beforeEach(async () => {
    logs = captureLogs("trace");
    ctx = await createTestContext(dialect, { logger: logs.logger });
  });
  afterEach(async () => ctx.close());

  it("no guarded page, for any visitor, logs 'Reply was already sent'", async () => {
    const client = await ctx.fullSessionClient(await ctx.createUser());
    const support = (await staffClient(ctx, "support")).client;
    const admin = (await staffClient(ctx, "admin")).client;
    const pending = await ctx.signInWithPassword((await ctx.createUser()).email);
    for (const visitor of [ctx.client(), client, support, admin, pending]) {
      for (const path of PAGES) await visitor.get(path);
      for (const path of POSTS) await visitor.postForm(path, {});
    }
    const twice = logs.lines().filter((line) => /already sent|Reply was already/i.test(line));
    expect(twice).toEqual([]);
  });
});

describe("the portal's icon", () => {
  it("/favicon.ico is served from public/ and every page links it", async () => {
    const ctx = await createTestContext("sqlite");
    try {
      const icon = await fetch(`${ctx.baseUrl}/favicon.ico`);
      expect(icon.status).toBe(200);
      expect(icon.headers.get("content-type")).toBe("image/x-icon");
      expect((await ctx.client().get("/login")).body).toContain('<link rel="icon" href="/favicon.ico"');
    } finally {
      await ctx.close();
    }
  });
});
