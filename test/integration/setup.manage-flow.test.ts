import { describe, expect, it } from "vitest";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { enrollApp, keyFromSetupPage, lastSmsCode, totpCodeAt } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("manage two-factor: switch methods with step-up (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  /** Signs in with the app at the current (fake) time, one step after the last used one. */
  async function signInWithApp(email: string, secret: Buffer) {
    ctx.clock.advance(30_000);
    const client = await ctx.signInWithPassword(email);
    const done = await client.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) });
    expect(done.location).toBe("/");
    return client;
  }

  it("app → SMS after a step-up; the app works until the SMS code is verified; back to a new app key", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithApp(user.email, secret);
    const other = await signInWithApp(user.email, secret); // a second browser, to be signed out by the change

    const manage = await client.get("/two-factor");
    expect(manage.body).toContain("<h1>Manage Two-Factor Login</h1>");
    expect(manage.body).toMatch(/>Manage<\/button>/);
    expect(manage.body).toMatch(/>Set Up Now<\/button>/);
    expect(manage.body).toContain("Add fallback phone");

    // Fresh from sign-in: no step-up needed yet.
    expect((await client.submit("/two-factor", {}, "/two-factor/setup/sms")).location).toBe("/two-factor/setup/sms");
    ctx.clock.advance(5 * MINUTE_MS);
    const needsStepUp = await client.submit("/two-factor", {}, "/two-factor/setup/sms");
    expect(needsStepUp.location).toBe("/two-factor/step-up?then=setup-sms");
    const stepUpPage = await client.get(needsStepUp.location!);
    expect(stepUpPage.body).toMatch(/<label for="field-code">Six-digit code<\/label>/);
    ctx.clock.advance(30_000);
    const steppedUp = await client.submit(needsStepUp.location!, { code: totpCodeAt(secret, ctx.clock.nowMs()) });
    expect(steppedUp.location).toBe("/two-factor/setup/sms");

    expect((await client.submit("/two-factor/setup/sms", { phone: "+44 7400 123456" }, "/two-factor/setup/sms/send")).location).toBe("/two-factor/setup/sms/verify");
    // Abandoned here, the app still signs in.
    const meanwhile = await signInWithApp(user.email, secret);
    expect((await meanwhile.get("/")).status).toBe(200);

    const switched = await client.submit("/two-factor/setup/sms/verify", { code: lastSmsCode(ctx, "+447400123456") });
    expect(switched.location).toBe("/two-factor");
    const after = await client.get("/two-factor");
    expect(after.body).toMatch(/<div role="status"[^>]*>Two-factor sign-in now uses SMS codes/);
    const factors = await ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", user.id).execute();
    expect(factors.map((f) => [f.kind, f.status])).toEqual([["sms", "active"]]);
    expect((await other.get("/")).location).toBe("/login"); // other sessions were signed out
    expect((await client.get("/")).status).toBe(200); // this one was not

    // Back to the app with a new key: step-up by SMS first.
    ctx.clock.advance(6 * MINUTE_MS);
    const toApp = await client.submit("/two-factor", {}, "/two-factor/setup/app");
    expect(toApp.location).toBe("/two-factor/step-up?then=setup-app");
    expect((await client.submit(toApp.location!, {}, "/two-factor/step-up/send?then=setup-app")).location).toBe(toApp.location);
    const qr = await client.submit(toApp.location!, { code: lastSmsCode(ctx, "+447400123456") });
    expect(qr.location).toBe("/two-factor/setup/app");
    const newSecret = keyFromSetupPage((await client.get("/two-factor/setup/app")).body);
    expect(newSecret.equals(secret)).toBe(false);
    const done = await client.submit("/two-factor/setup/app", { code: totpCodeAt(newSecret, ctx.clock.nowMs()) }, "/two-factor/setup/app/verify");
    expect(done.location).toBe("/two-factor");
    const events = await ctx.testDb.database.db.selectFrom("audit_events").select("type").where("subject_user_id", "=", user.id).execute();
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(["two_factor.setup", "two_factor.switched", "two_factor.step_up"]));
  });

  it("a fallback phone is saved only once its code is verified, and can be removed", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithApp(user.email, secret);
    expect((await client.get("/two-factor/fallback")).body).toContain('<label for="field-phone">Fallback phone number</label>');
    expect((await client.submit("/two-factor/fallback", { phone: "+44 7400 654321" }, "/two-factor/fallback/send")).location).toBe("/two-factor/fallback/verify");
    const saved = async () => (await ctx.testDb.database.db.selectFrom("users").select("fallback_phone_e164").where("id", "=", user.id).executeTakeFirstOrThrow()).fallback_phone_e164;
    expect(await saved()).toBeNull();
    expect((await client.submit("/two-factor/fallback/verify", { code: lastSmsCode(ctx, "+447400654321") })).location).toBe("/two-factor");
    expect(await saved()).toBe("+447400654321");
    const manage = await client.get("/two-factor");
    expect(manage.body).toContain("Fallback phone added.");
    expect(manage.body).toContain("•••• •••• 21");
    expect(manage.body).toContain("Change fallback phone");
    expect((await client.submit("/two-factor", {}, "/two-factor/fallback/remove")).location).toBe("/two-factor");
    expect(await saved()).toBeNull();
  });
});
