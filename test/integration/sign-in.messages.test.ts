import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SIGN_IN_MESSAGES } from "../../src/features/sign-in/sign-in.messages.ts";
import { auditRowsOfType } from "../support/admin.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MESSAGES } from "../support/messages.ts";
import { errorLinksOf, errorSummaryOf, firstErrorOf, statusOf, titleOf } from "../support/page-errors.ts";
import { enrollApp, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

const SUPPORT_CONTACT = "help@client-services.example";

describe.each(TEST_DIALECTS)("what sign-in tells a user (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect, { env: { SUPPORT_CONTACT, PORTAL_NAME: "Client Portal" } });
  });
  afterEach(async () => ctx.close());

  const disable = (userId: string) => ctx.testDb.database.db.updateTable("users").set({ disabled_at: ctx.clock.nowMs() }).where("id", "=", userId).execute();

  it("a right app code used a moment ago on another device is called 'already used', not wrong", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(30_000);
    const code = totpCodeAt(secret, ctx.clock.nowMs());
    const first = await ctx.signInWithPassword(user.email);
    expect((await submitSignInCode(first, code)).location).toBe("/");
    const second = await ctx.signInWithPassword(user.email);
    const reused = await submitSignInCode(second, code);
    expect(reused.status).toBe(400);
    expect(firstErrorOf(reused.body)).toBe(MESSAGES.codeReused);
    expect(MESSAGES.codeReused).toContain("already used");
    ctx.clock.advance(30_000);
    expect((await submitSignInCode(second, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
  });

  it("a disabled account is told so, with the support contact, only after its right password", async () => {
    const user = await ctx.createUser();
    await disable(user.id);
    const right = await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD });
    expect(right.status).toBe(403);
    expect(firstErrorOf(right.body)).toBe(SIGN_IN_MESSAGES.disabled(SUPPORT_CONTACT));
    expect(firstErrorOf(right.body)).toContain("This account is disabled");
    const wrong = await ctx.client().submit("/login", { email: user.email, password: "not the password" });
    const unknown = await ctx.client().submit("/login", { email: "nobody@example.com", password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(firstErrorOf(wrong.body)).toBe(SIGN_IN_MESSAGES.failed);
    expect(firstErrorOf(unknown.body)).toBe(SIGN_IN_MESSAGES.failed);
    expect(await auditRowsOfType(ctx, "signin.refused_disabled")).toHaveLength(1);
    const agent = await ctx.fullSessionClient(await ctx.createUser({ role: "support" }));
    expect((await agent.get(`/admin/users/${user.id}`)).body).toContain("Sign-in refused: account disabled");
  });

  it("a refused form lists its errors at the top, linked to the fields, and the title starts with 'Error:'", async () => {
    const empty = await ctx.client().submit("/login", { email: "", password: "" });
    expect(titleOf(empty.body)).toBe("Error: Sign in · Client Portal");
    expect(errorSummaryOf(empty.body)).toEqual([SIGN_IN_MESSAGES.empty]);
    const agent = await ctx.fullSessionClient(await ctx.createUser({ role: "admin" }));
    const bad = await agent.submit("/admin/users/new", { email: "not-an-address", name: "", role: "client" }, "/admin/users");
    expect(titleOf(bad.body)).toMatch(/^Error: /);
    expect(errorLinksOf(bad.body)).toEqual(["field-email"]);
    expect(bad.body.indexOf("error-summary")).toBeLessThan(bad.body.indexOf("<h1>"));
    expect(titleOf((await ctx.client().get("/login")).body)).toBe("Sign in · Client Portal");
  });

  it("limits are the fields' maxlength, and going over them is said in words", async () => {
    const agent = await ctx.fullSessionClient(await ctx.createUser({ role: "admin" }));
    const form = (await agent.get("/admin/users/new")).body;
    expect(form).toMatch(/name="email"[^>]*maxlength="254"/);
    expect(form).toMatch(/name="name"[^>]*maxlength="100"/);
    const long = await agent.submit("/admin/users/new", { email: `${"a".repeat(250)}@example.com`, name: "Ann", role: "client" }, "/admin/users");
    expect(long.status).toBe(400);
    expect(firstErrorOf(long.body)).toBe("Email must be 254 characters or fewer.");
    const longName = await agent.submit("/admin/users/new", { email: "ann@example.com", name: "n".repeat(101), role: "client" }, "/admin/users");
    expect(firstErrorOf(longName.body)).toBe("Name must be 100 characters or fewer.");
  });

  it("after Sign out, /login says 'You have signed out.' in its status region; a session ended elsewhere is told so", async () => {
    const user = await ctx.createUser();
    const browser = await ctx.fullSessionClient(user);
    expect((await browser.submit("/", {}, "/logout")).location).toBe("/login");
    expect(statusOf((await browser.get("/login")).body)).toBe(SIGN_IN_MESSAGES.signedOut);
    expect(statusOf((await browser.get("/login")).body)).toBe(""); // said once

    const elsewhere = await ctx.fullSessionClient(user);
    await ctx.testDb.database.db.deleteFrom("sessions").where("user_id", "=", user.id).execute();
    expect((await elsewhere.get("/")).location).toBe("/login");
    expect(statusOf((await elsewhere.get("/login")).body)).toBe(SIGN_IN_MESSAGES.sessionEnded);
  });
});
