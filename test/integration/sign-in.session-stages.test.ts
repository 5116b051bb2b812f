import { describe, expect, it } from "vitest";
import { SESSION_ABSOLUTE_MS, SESSION_IDLE_MS } from "../../src/auth/session.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";

describe.each(TEST_DIALECTS)("session stages and lifetime (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  it("without a session, portal pages redirect to /login and unknown ones are 404", async () => {
    const client = ctx.client();
    expect((await client.get("/")).location).toBe("/login");
    expect((await client.get("/two-factor/setup")).location).toBe("/login");
    expect((await client.get("/no-such-page")).status).toBe(404);
  });

  it("a session pending its second factor reaches only the second-factor pages", async () => {
    const user = await ctx.createUser();
    const client = await ctx.signInWithPassword(user.email);
    for (const path of ["/", "/no-such-page", "/some/deep/path?x=1"]) {
      const response = await client.get(path);
      expect(response.status, path).toBe(303);
      expect(response.location, path).toBe("/two-factor/setup");
    }
    const setup = await client.get("/two-factor/setup");
    expect(setup.status).toBe(200);
    expect(setup.body).toContain("<h1>Manage Two-Factor Login</h1>");
    // The account menu (Manage Two-Factor) is for full sessions only; sign out is always there.
    expect(setup.body).not.toContain("Manage Two-Factor</a>");
    expect(setup.body).toContain(">Sign out</button>");
  });

  it("a full session reaches the dashboard, whose header names the user", async () => {
    const user = await ctx.createUser({ name: "Ann <Example>" });
    const client = await ctx.fullSessionClient(user);
    const dashboard = await client.get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain("<h1>Dashboard</h1>");
    expect(dashboard.body).toContain("Ann &lt;Example&gt;");
    expect(dashboard.body).not.toContain("Ann <Example>");
    expect(dashboard.headers.get("cache-control")).toBe("no-store");
    expect((await client.get("/login")).location).toBe("/");
  });

  it("signing out deletes the session on the server: the old token no longer works", async () => {
    const user = await ctx.createUser();
    const client = await ctx.fullSessionClient(user);
    const token = client.cookie("gatehouse_session")!;
    const response = await client.submit("/", {}, "/logout");
    expect(response.location).toBe("/login");
    expect(await ctx.testDb.database.db.selectFrom("sessions").selectAll().execute()).toHaveLength(0);
    const replay = ctx.client();
    replay.setCookie("gatehouse_session", token);
    expect((await replay.get("/")).location).toBe("/login");
  });

  it("expires after 30 idle minutes (NIST SP 800-63B AAL2)", async () => {
    const user = await ctx.createUser();
    const client = await ctx.fullSessionClient(user);
    ctx.clock.advance(SESSION_IDLE_MS - MINUTE_MS);
    expect((await client.get("/")).status).toBe(200);
    ctx.clock.advance(SESSION_IDLE_MS - MINUTE_MS); // active a minute ago: still within the idle limit
    expect((await client.get("/")).status).toBe(200);
    ctx.clock.advance(SESSION_IDLE_MS);
    expect((await client.get("/")).location).toBe("/login");
  });

  it("expires 12 hours after sign-in however active it is", async () => {
    const user = await ctx.createUser();
    const client = await ctx.fullSessionClient(user);
    for (let elapsed = 0; elapsed < SESSION_ABSOLUTE_MS - 20 * MINUTE_MS; elapsed += 20 * MINUTE_MS) {
      ctx.clock.advance(20 * MINUTE_MS);
      expect((await client.get("/")).status).toBe(200);
    }
    ctx.clock.advance(20 * MINUTE_MS);
    expect((await client.get("/")).location).toBe("/login");
  });

  it("a pending session lasts at most 30 minutes", async () => {
    const user = await ctx.createUser();
    const client = await ctx.signInWithPassword(user.email);
    ctx.clock.advance(20 * MINUTE_MS);
    expect((await client.get("/two-factor/setup")).status).toBe(200);
    ctx.clock.advance(10 * MINUTE_MS);
    expect((await client.get("/two-factor/setup")).location).toBe("/login");
  });

  it("a forged or malformed session cookie is ignored and cleared", async () => {
    const client = ctx.client();
    client.setCookie("gatehouse_session", "x".repeat(43));
    expect((await client.get("/")).location).toBe("/login");
    expect(client.cookie("gatehouse_session")).toBeUndefined();
  });

  it("disabling a user ends their sessions at the next request", async () => {
    const user = await ctx.createUser();
    const client = await ctx.fullSessionClient(user);
    await ctx.testDb.database.db.updateTable("users").set({ disabled_at: ctx.clock.nowMs() }).where("id", "=", user.id).execute();
    expect((await client.get("/")).location).toBe("/login");
  });
});
