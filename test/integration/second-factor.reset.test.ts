import { describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { enrollApp, lastSmsCode, totpCodeAt } from "../support/two-factor.ts";

const FALLBACK = "+447400654321";

describe.each(TEST_DIALECTS)("reset two-factor with the fallback phone (%s)", (dialect) => {
  const ctx = useTestContext(dialect, { env: { SUPPORT_CONTACT: "help@example.com" } });

  async function userWithFallback() {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, user.email);
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: FALLBACK }).where("id", "=", user.id).execute();
    return { user, secret };
  }

  it("a correct reset code removes the methods, ends other sessions, and leads to set-up", async () => {
    const { user, secret } = await userWithFallback();
    ctx.clock.advance(30_000);
    const elsewhere = await ctx.signInWithPassword(user.email);
    expect((await elsewhere.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) })).location).toBe("/");

    const client = await ctx.signInWithPassword(user.email);
    const verify = await client.get("/two-factor/verify");
    expect(verify.body).toMatch(/<button type="submit" class="button-secondary">Reset Two-Factor<\/button>/);
    expect(verify.body).toContain('<dialog id="reset-dialog"');
    const opened = await client.get("/two-factor/reset");
    expect(opened.body).toMatch(/<dialog [^>]* open data-reset-dialog>/);
    expect(opened.body).toContain("•••• •••• 21");
    expect(opened.body).toMatch(/>Send Reset SMS code<\/button>/);

    expect((await client.submit("/two-factor/reset", {}, "/two-factor/reset/send")).location).toBe("/two-factor/reset");
    const withCode = await client.get("/two-factor/reset");
    expect(withCode.body).toContain('<label for="field-reset-code">Reset code</label>');

    const wrong = await client.submit("/two-factor/reset", { reset_code: "000000" === lastSmsCode(ctx, FALLBACK) ? "111111" : "000000" });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(/<dialog [^>]* open data-reset-dialog>/);
    expect(wrong.body).toContain('id="reset-code-error"');

    const done = await client.submit("/two-factor/reset", { reset_code: lastSmsCode(ctx, FALLBACK) });
    expect(done.location).toBe("/two-factor/setup");
    const setup = await client.get("/two-factor/setup");
    expect(setup.body).toContain("<h1>Manage Two-Factor Login</h1>");
    expect(setup.body).toContain("has been reset");
    expect((await client.get("/")).location).toBe("/two-factor/setup");
    expect(await ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", user.id).execute()).toHaveLength(0);
    expect((await elsewhere.get("/")).location).toBe("/login");

    await ctx.flushMail();
    const mail = ctx.outbox.latestTo(user.email);
    expect(mail?.body).toContain("reset with a code sent to your fallback phone");
    const events = await ctx.testDb.database.db.selectFrom("audit_events").select("type").where("subject_user_id", "=", user.id).execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["two_factor.reset_requested", "two_factor.reset_failed", "two_factor.reset"]));
  });

  it("the reset code works until 10:00 and not at 10:00; reopening keeps it valid", async () => {
    const { user } = await userWithFallback();
    const client = await ctx.signInWithPassword(user.email);
    await client.submit("/two-factor/reset", {}, "/two-factor/reset/send");
    const code = lastSmsCode(ctx, FALLBACK);
    ctx.clock.advance(10 * MINUTE_MS - 1000);
    await client.get("/two-factor/verify"); // dialog closed, page reloaded
    const reopened = await client.get("/two-factor/reset");
    expect(reopened.body).toContain("Reset code");
    const other = await ctx.signInWithPassword(user.email);
    expect((await other.submit("/two-factor/reset", { reset_code: code })).status).toBe(400); // bound to the first session
    ctx.clock.advance(1000);
    const late = await client.submit("/two-factor/reset", { reset_code: code }, "/two-factor/reset");
    expect(late.status).toBe(400);
    expect(await ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", user.id).execute()).toHaveLength(1);
  });

  it("without a fallback phone the dialog points to support", async () => {
    const user = await ctx.createUser();
    await enrollApp(ctx, user.email);
    const client = await ctx.signInWithPassword(user.email);
    const page = await client.get("/two-factor/reset");
    expect(page.body).toContain("help@example.com");
    expect(page.body).not.toContain("Send Reset SMS code");
  });
});
