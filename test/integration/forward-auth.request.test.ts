import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createApp } from "../../src/auth/apps.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { captureLogs, type LogCapture } from "../support/log-capture.ts";

const APP = "https://files.example.test";
const forwarded = (uri = "/docs?id=1") => ({ "x-forwarded-proto": "https", "x-forwarded-host": "files.example.test", "x-forwarded-uri": uri });

describe.each(TEST_DIALECTS)("forward auth answered directly (nginx auth_request semantics, and bad input) on %s", (dialect) => {
  let ctx: TestContext;
  let logs: LogCapture;
  beforeEach(async () => {
    logs = captureLogs("info");
    ctx = await createTestContext(dialect, { env: { TRUST_PROXY: "127.0.0.1" }, logger: logs.logger });
    const app = await createApp(ctx.testDb.database.db, ctx.deps, { name: "Files", url: `${APP}/`, method: "proxy", allowedRoles: ["client"] });
    if (!app.ok) throw new Error(app.error);
  });
  afterEach(() => ctx.close());

  test("/auth/request: 401 without a session or with a pending one, 200 with the Remote-* headers for a full one, 403 for a user the app does not allow", async () => {
    const anonymous = await ctx.client().request("GET", "/auth/request", { headers: { "x-original-url": `${APP}/docs` } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toBe("");

    const user = await ctx.createUser({ email: "ann@example.com", name: "Ann" });
    const pending = await ctx.signInWithPassword(user.email);
    expect((await pending.request("GET", "/auth/request", { headers: forwarded() })).status).toBe(401);

    const full = await ctx.fullSessionClient(user);
    const allowed = await full.request("GET", "/auth/request", { headers: { "x-original-url": `${APP}/docs` } });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("remote-user")).toBe(user.id);
    expect(allowed.headers.get("remote-email")).toBe("ann@example.com");
    expect(allowed.headers.get("remote-name")).toBe("Ann");
    expect(allowed.headers.get("remote-groups")).toBe("client");
    expect(allowed.headers.get("cache-control")).toBe("no-store");

    const admin = await ctx.fullSessionClient(await ctx.createUser({ role: "admin" }));
    expect((await admin.request("GET", "/auth/request", { headers: forwarded() })).status).toBe(403);
    const forbidden = await admin.request("GET", "/auth/forward", { headers: forwarded() });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toContain("<h1>You cannot use Files</h1>");
    // Shown on the app's address: nothing in it may point at a path of the app's host.
    expect(forbidden.body).toContain('<a href="http://localhost:3000/">Go to the portal</a>');
    expect(forbidden.body).not.toMatch(/(href|src|action)="\//);
  });

  test("/auth/forward sends a browser without a full session to the portal's /login with rd", async () => {
    const response = await ctx.client().request("GET", "/auth/forward", { headers: forwarded("/docs?id=1") });
    expect(response.status).toBe(302);
    expect(response.location).toBe(`http://localhost:3000/login?rd=${encodeURIComponent(`${APP}/docs?id=1`)}`);
  });

  const bad: [string, Record<string, string>, number, number, string][] = [
    ["no forwarded headers", {}, 400, 403, "missing_headers"],
    ["no host", { "x-forwarded-proto": "https", "x-forwarded-uri": "/" }, 400, 403, "missing_headers"],
    ["another scheme", { ...forwarded(), "x-forwarded-proto": "javascript" }, 400, 403, "malformed_headers"],
    ["two hosts", { ...forwarded(), "x-forwarded-host": "files.example.test, evil.example" }, 400, 403, "malformed_headers"],
    ["a host with userinfo", { ...forwarded(), "x-forwarded-host": "evil.example@files.example.test" }, 400, 403, "malformed_headers"],
    ["a uri that changes the host", forwarded("@evil.example/"), 400, 403, "malformed_headers"],
    ["a uri with a backslash", forwarded("/\\evil.example"), 400, 403, "malformed_headers"],
    ["an X-Original-URL with userinfo", { "x-original-url": "https://files.example.test@evil.example/" }, 400, 403, "malformed_headers"],
    ["an X-Original-URL that is not a URL", { "x-original-url": "//files.example.test/" }, 400, 403, "malformed_headers"],
    ["an unregistered host", { ...forwarded(), "x-forwarded-host": "evil.example" }, 403, 403, "unregistered_host"],
  ];

  test.each(bad)("%s: a 4xx the proxy understands, never Remote-User, logged without the cookie", async (_label, headers, forwardStatus, requestStatus, reason) => {
    const client = await ctx.fullSessionClient(await ctx.createUser());
    const forward = await client.request("GET", "/auth/forward", { headers });
    expect(forward.status).toBe(forwardStatus);
    expect(forward.headers.get("remote-user")).toBeNull();
    const request = await client.request("GET", "/auth/request", { headers });
    expect(request.status).toBe(requestStatus);
    expect(request.headers.get("remote-user")).toBeNull();
    const refusals = logs.records().filter((line) => line.msg === "forward auth refused");
    expect(refusals.map((line) => line.forwardAuth)).toEqual([reason, reason]);
    const token = client.cookie("gatehouse_session")!;
    expect(logs.lines().some((line) => line.includes(token))).toBe(false);
  });
});

describe("forward auth from an address TRUST_PROXY does not name", () => {
  test("is refused whatever it claims (403 to both), and never answered 200", async () => {
    const ctx = await createTestContext("sqlite", { env: { TRUST_PROXY: "10.0.0.1" } });
    try {
      await createApp(ctx.testDb.database.db, ctx.deps, { name: "Files", url: `${APP}/`, method: "proxy" });
      const client = await ctx.fullSessionClient(await ctx.createUser());
      for (const path of ["/auth/forward", "/auth/request"]) expect((await client.request("GET", path, { headers: forwarded() })).status).toBe(403);
    } finally {
      await ctx.close();
    }
    const untrusting = await createTestContext("sqlite");
    try {
      await createApp(untrusting.testDb.database.db, untrusting.deps, { name: "Files", url: `${APP}/`, method: "proxy" });
      const client = await untrusting.fullSessionClient(await untrusting.createUser());
      expect((await client.request("GET", "/auth/request", { headers: forwarded() })).status).toBe(403);
    } finally {
      await untrusting.close();
    }
  });
});
