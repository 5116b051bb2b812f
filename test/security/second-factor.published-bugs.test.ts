import { describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { enrollApp, lastSmsCode, signInWithAppCode, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

// One test per class of published sign-in bug (the lockout classes are in sign-in.lockout.test.ts, the
// concurrency of one code in second-factor.races.test.ts). Each asserts the behaviour, not the code path.
describe.each(TEST_DIALECTS)("classes of published two-factor bugs (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const factorsOf = (userId: string) => ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", userId).execute();

  it("a TOTP code is refused when replayed in its own step or the next (CVE-2015-7225, CVE-2021-43177)", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(30_000);
    const code = totpCodeAt(secret, ctx.clock.nowMs());
    expect((await submitSignInCode(await ctx.signInWithPassword(user.email), code)).location).toBe("/");
    expect((await submitSignInCode(await ctx.signInWithPassword(user.email), code)).status).toBe(400);
    ctx.clock.advance(30_000); // the code of the previous step is still inside the ±1 window, and still used
    expect((await submitSignInCode(await ctx.signInWithPassword(user.email), code)).status).toBe(400);
  });

  it("a password reset needs the second factor as well as the e-mailed link (CVE-2024-27928)", async () => {
    const user = await ctx.createUser();
    await enrollApp(ctx, user.email);
    await ctx.client().submit("/forgot-password", { email: user.email });
    await ctx.flushMail();
    const link = new URL(/http:\/\/\S+\/reset-password\/\S+/.exec(ctx.outbox.latestTo(user.email)!.body)![0]).pathname;
    const browser = ctx.client();
    const page = await browser.get(link);
    expect(page.body).not.toContain("New password");
    const attempt = await browser.submit(link, { password: "a brand new passphrase", confirm: "a brand new passphrase" }, `${link}/password`);
    expect(attempt.location).toBe(link);
    expect((await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(303);
  });

  it("a session that has passed only the password cannot add or replace a factor (CVE-2023-3597)", async () => {
    const user = await ctx.createUser();
    await enrollApp(ctx, user.email);
    const pending = await ctx.signInWithPassword(user.email);
    for (const path of ["/two-factor/setup/app", "/two-factor/setup/sms/send", "/two-factor/fallback/send"]) {
      const response = await pending.submit("/two-factor/verify", { phone: "+44 7400 123456" }, path);
      expect([400, 303], path).toContain(response.status);
      if (response.status === 303) expect(response.location, path).toBe("/two-factor/verify");
    }
    const factors = await factorsOf(user.id);
    expect(factors.map((f) => [f.kind, f.status])).toEqual([["totp", "active"]]);
    expect(ctx.outbox.list().filter((m) => m.channel === "sms")).toHaveLength(0);
  });

  it("other sessions do not survive a change of second factor (CVE-2023-31140)", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const other = await signInWithAppCode(ctx, user.email, secret);
    const current = await signInWithAppCode(ctx, user.email, secret);
    expect((await current.submit("/two-factor", {}, "/two-factor/setup/sms")).location).toBe("/two-factor/setup/sms");
    await current.submit("/two-factor/setup/sms", { phone: "+44 7400 123456" }, "/two-factor/setup/sms/send");
    expect((await current.submit("/two-factor/setup/sms/verify", { code: lastSmsCode(ctx, "+447400123456") })).location).toBe("/two-factor");
    expect((await other.get("/")).location).toBe("/login");
    expect((await current.get("/")).status).toBe(200);
  });

  it("a second-factor code works only for the sign-in that asked for it", async () => {
    const user = await ctx.createUser();
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: "+447400654321" }).where("id", "=", user.id).execute();
    await enrollApp(ctx, user.email);
    const first = await ctx.signInWithPassword(user.email);
    await first.submit("/two-factor/reset", {}, "/two-factor/reset/send");
    const code = lastSmsCode(ctx, "+447400654321");
    const second = await ctx.signInWithPassword(user.email);
    expect((await second.submit("/two-factor/reset", { reset_code: code })).status).toBe(400);
    // The reset keeps this sign-in's session pending (it goes on to set-up; a new token comes only when
    // a factor is verified), so nothing it unlocks is reachable from another browser.
    const before = first.cookie("gatehouse_session");
    ctx.clock.advance(MINUTE_MS);
    expect((await first.submit("/two-factor/reset", { reset_code: code })).location).toBe("/two-factor/setup");
    expect(first.cookie("gatehouse_session")).toBe(before);
    expect((await factorsOf(user.id)).length).toBe(0);
  });
});
