import { describe, expect, it } from "vitest";
import { createTestContext, TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf } from "../support/http-client.ts";

describe.each(TEST_DIALECTS)("cross-site requests and framing (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const sessionCount = async () => (await ctx.testDb.database.db.selectFrom("sessions").selectAll().execute()).length;

  it("a sign-in form posted without its CSRF token is refused with 403", async () => {
    const user = await ctx.createUser();
    const client = ctx.client();
    await client.get("/login");
    const response = await client.postForm("/login", { email: user.email, password: TEST_PASSWORD });
    expect(response.status).toBe(403);
    expect(await sessionCount()).toBe(0);
  });

  it("a token from another browser's cookie is refused", async () => {
    const user = await ctx.createUser();
    const attacker = ctx.client();
    const token = csrfTokenOf((await attacker.get("/login")).body);
    const victim = ctx.client();
    await victim.get("/login");
    const response = await victim.postForm("/login", { _csrf: token, email: user.email, password: TEST_PASSWORD });
    expect(response.status).toBe(403);
    expect(await sessionCount()).toBe(0);
  });

  it("a form posted from another origin, even another port of this host, changes nothing", async () => {
    const user = await ctx.createUser();
    const client = await ctx.fullSessionClient(user);
    const token = csrfTokenOf((await client.get("/")).body);
    const otherPort = ctx.baseUrl.replace(/:\d+$/, ":1");
    const fromOtherPort = await client.postForm("/logout", { _csrf: token }, { origin: otherPort });
    expect(fromOtherPort.status).toBe(403);
    const crossSite = await client.postForm("/logout", { _csrf: token }, { "sec-fetch-site": "cross-site" });
    expect(crossSite.status).toBe(403);
    const sameSiteOtherOrigin = await client.postForm("/logout", { _csrf: token }, { "sec-fetch-site": "same-site" });
    expect(sameSiteOtherOrigin.status).toBe(403);
    expect(await sessionCount()).toBe(1);
    const sameOrigin = await client.postForm("/logout", { _csrf: token }, { origin: ctx.baseUrl, "sec-fetch-site": "same-origin" });
    expect(sameOrigin.status).toBe(303);
    expect(await sessionCount()).toBe(0);
  });

  it("every response carries nosniff, and pages cannot be framed", async () => {
    for (const path of ["/login", "/no-such-page", "/healthz", "/assets/app.css"]) {
      const response = await ctx.client().get(path);
      expect(response.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(response.headers.get("content-security-policy"), path).toContain("frame-ancestors 'none'");
      expect(response.headers.get("x-frame-options"), path).toBe("DENY");
    }
    const csp = (await ctx.client().get("/login")).headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect((await ctx.client().get("/login")).headers.get("referrer-policy")).toBe("no-referrer");
  });

  it("the CSRF cookie is HttpOnly and SameSite=Lax", async () => {
    const response = await ctx.client().get("/login");
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("gatehouse_csrf="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
  });
});

describe("over https (PUBLIC_URL https://…)", () => {
  it("cookies are Secure with the __Host- prefix, and HSTS is sent", async () => {
    const ctx = await createTestContext("sqlite", { env: { PUBLIC_URL: "https://portal.example.com" } });
    try {
      const user = await ctx.createUser();
      const client = ctx.client();
      const page = await client.get("/login");
      expect(page.headers.get("strict-transport-security")).toContain("max-age=31536000");
      const csrfCookie = page.headers.getSetCookie().find((c) => c.startsWith("__Host-gatehouse_csrf="));
      expect(csrfCookie).toMatch(/Secure/);
      const response = await client.postForm("/login", { _csrf: csrfTokenOf(page.body), email: user.email, password: TEST_PASSWORD });
      expect(response.status).toBe(303);
      const sessionCookie = response.headers.getSetCookie().find((c) => c.startsWith("__Host-gatehouse_session="));
      expect(sessionCookie).toMatch(/; Secure/);
      expect(sessionCookie).toMatch(/HttpOnly/);
      expect(sessionCookie).toMatch(/Path=\//);
      expect(sessionCookie).not.toMatch(/Domain=/);
    } finally {
      await ctx.close();
    }
  });
});
