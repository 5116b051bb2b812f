import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createApp } from "../../src/auth/apps.ts";
import { allowedContinuation } from "../../src/auth/return-to.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { enrollApp, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

describe("after sign-in the browser returns only to a registered app's origin (no open redirect)", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext("sqlite");
    for (const [name, url] of [["Files", "https://files.example.test/"], ["Wiki", "http://localhost:8080/wiki"]] as const) {
      const app = await createApp(ctx.testDb.database.db, ctx.deps, { name, url, method: "proxy" });
      if (!app.ok) throw new Error(app.error);
    }
  });
  afterAll(() => ctx.close());

  const accepted: [string, string][] = [
    ["https://files.example.test/docs?id=1", "https://files.example.test/docs?id=1"],
    ["https://FILES.example.test:443/a", "https://files.example.test/a"],
    ["http://localhost:8080/other/page", "http://localhost:8080/other/page"],
    ["/oidc/interaction/abc_DEF-123", "/oidc/interaction/abc_DEF-123"],
  ];
  test.each(accepted)("an address on a registered app's origin is kept: %s", async (value, kept) => {
    expect(await allowedContinuation(ctx.testDb.database.db, value)).toBe(kept);
  });

  const refused = [
    "https://evil.example/",
    "https://files.example.test.evil.example/",
    "https://evil.example/https://files.example.test/",
    "//files.example.test/",
    "//evil.example",
    "/\\evil.example",
    "https://files.example.test@evil.example/",
    "https://evil.example@files.example.test/",
    "https://user:pass@files.example.test/",
    "https://evil.example\\@files.example.test/",
    "https:/\\evil.example",
    "http://files.example.test/",
    "https://files.example.test:8443/",
    "http://localhost:8081/",
    "javascript:alert(1)//https://files.example.test/",
    "data:text/html,<script>alert(1)</script>",
    "ftp://files.example.test/",
    " https://files.example.test/",
    "https://files.example.test/\n",
    `https://files.example.test/${"a".repeat(2100)}`,
    "/dashboard",
    "",
  ];
  test.each(refused)("anything else is dropped: %j", async (value) => {
    expect(await allowedContinuation(ctx.testDb.database.db, value)).toBeNull();
  });

  test("a sign-in carrying an evil rd ends on the dashboard; one carrying an app's address ends there", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    for (const [rd, landing] of [["https://evil.example/", "/"], ["https://files.example.test/x", "https://files.example.test/x"]] as const) {
      const browser = ctx.client();
      const page = await browser.get(`/login?rd=${encodeURIComponent(rd)}`);
      expect(page.body.includes("evil.example")).toBe(false);
      ctx.clock.advance(30_000);
      expect((await browser.submit(`/login?rd=${encodeURIComponent(rd)}`, { email: user.email, password: TEST_PASSWORD, next: rd }, "/login")).location).toBe("/two-factor");
      expect((await submitSignInCode(browser, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe(landing);
      // Already signed in: /login?rd= goes straight on, to an app only.
      expect((await browser.get(`/login?rd=${encodeURIComponent("https://evil.example/")}`)).location).toBe("/");
      expect((await browser.get(`/login?rd=${encodeURIComponent("https://files.example.test/y")}`)).location).toBe("https://files.example.test/y");
    }
  });

  test("an app removed while its user was signing in is no longer a destination", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const temporary = await createApp(ctx.testDb.database.db, ctx.deps, { name: "Temp", url: "https://temp.example.test/", method: "proxy" });
    if (!temporary.ok) throw new Error(temporary.error);
    const browser = ctx.client();
    ctx.clock.advance(30_000);
    await browser.submit("/login", { email: user.email, password: TEST_PASSWORD, next: "https://temp.example.test/a" });
    await ctx.testDb.database.db.deleteFrom("apps").where("id", "=", temporary.app.id).execute();
    expect((await submitSignInCode(browser, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
  });
});
