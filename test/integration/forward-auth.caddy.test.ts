import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../../src/auth/apps.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { HttpClient } from "../support/http-client.ts";
import { caddyMissing, startCaddy, startEchoUpstream } from "../support/reverse-proxy.ts";
import { enrollApp, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

const missing = caddyMissing();
if (missing) console.warn(`forward auth behind Caddy: skipped, ${missing}`);

describe.skipIf(missing !== null).each(TEST_DIALECTS)("forward auth behind a real Caddy (forward_auth) on %s", (dialect) => {
  let ctx: TestContext;
  let caddy: Awaited<ReturnType<typeof startCaddy>>;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;

  beforeAll(async () => {
    ctx = await createTestContext(dialect, { env: { TRUST_PROXY: "127.0.0.1" } });
    upstream = await startEchoUpstream();
    caddy = await startCaddy({ portalPort: Number(new URL(ctx.baseUrl).port), upstreamPort: upstream.port });
    const app = await createApp(ctx.testDb.database.db, ctx.deps, { name: "Files", url: `${caddy.baseUrl}/`, method: "proxy" });
    if (!app.ok) throw new Error(app.error);
  });
  afterAll(async () => {
    await caddy?.stop();
    await upstream?.close();
    await ctx?.close();
  });

  test("an anonymous browser is sent to the portal's sign-in, and after password and code lands back on the app, which receives Remote-User", async () => {
    const user = await ctx.createUser({ email: "zoe@example.com", name: "Zoë Ångström" });
    const secret = await enrollApp(ctx, user.email);
    const browser = new HttpClient(ctx.baseUrl);
    const wanted = `${caddy.baseUrl}/reports/2026?sort=name,date`;

    const anonymous = await browser.get(wanted);
    expect(anonymous.status).toBe(302);
    const login = new URL(anonymous.location!);
    expect(login.origin + login.pathname).toBe(new URL("/login", ctx.deps.config.publicUrl).href);
    expect(login.searchParams.get("rd")).toBe(wanted);

    const page = await browser.get(`/login${login.search}`);
    expect(page.body).toContain(`name="next" value="${wanted.replace("&", "&amp;")}"`);
    ctx.clock.advance(30_000);
    expect((await browser.submit(`/login${login.search}`, { email: user.email, password: TEST_PASSWORD, next: wanted }, "/login")).location).toBe("/two-factor");
    const done = await submitSignInCode(browser, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(done.location).toBe(wanted);

    const app = await browser.get(done.location!);
    expect(app.status).toBe(200);
    const echoed = JSON.parse(app.body) as { path: string; remote: Record<string, string> };
    expect(echoed.path).toBe("/reports/2026?sort=name,date");
    expect(echoed.remote["remote-user"]).toBe(user.id);
    expect(echoed.remote["remote-email"]).toBe("zoe@example.com");
    expect(Buffer.from(echoed.remote["remote-name"]!, "latin1").toString("utf8")).toBe("Zoë Ångström");
    expect(echoed.remote["remote-groups"]).toBe("client");
  });

  test("a browser sending its own Remote-User gets it overwritten or dropped; a signed-in user the app does not allow gets 403", async () => {
    const anonymous = await new HttpClient(caddy.baseUrl).request("GET", "/", { headers: { "remote-user": "admin" } });
    expect(anonymous.status).toBe(302);

    const staffOnly = await createApp(ctx.testDb.database.db, ctx.deps, { name: "Staff wiki", url: `${caddy.baseUrl.replace("127.0.0.1", "localhost")}/`, method: "proxy", allowedRoles: ["support", "admin"] });
    expect(staffOnly.ok).toBe(true);
    const client = await ctx.fullSessionClient(await ctx.createUser());
    const signedIn = await client.request("GET", `${caddy.baseUrl}/`, { headers: { "remote-user": "someone-else" } });
    expect(JSON.parse(signedIn.body).remote["remote-user"]).not.toBe("someone-else");
    const refused = await client.get(`${caddy.baseUrl.replace("127.0.0.1", "localhost")}/`);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("You cannot use Staff wiki");
  });
});
