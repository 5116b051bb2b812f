import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { enrollApp, lastSmsCode, signInWithAppCode, storedFallback, totpCodeAt } from "../support/two-factor.ts";

const FALLBACK = "+447400654321";

describe.each(TEST_DIALECTS)("fallback phone changes and the step-up window (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  async function signedIn() {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    return { user, secret, client: await signInWithAppCode(ctx, user.email, secret) };
  }
  const smsTo = (phone: string) => ctx.outbox.list().filter((m) => m.channel === "sms" && m.to === phone).length;
  const stepUp = (client: HttpClient, secret: Buffer, url: string) => {
    ctx.clock.advance(30_000);
    return client.submit(url, { code: totpCodeAt(secret, ctx.clock.nowMs()) });
  };

  it("40 minutes after the step-up, 'Resend code' sends nothing and the fallback phone cannot be saved with it", async () => {
    const { user, client } = await signedIn();
    expect((await client.submit("/two-factor/fallback", { phone: FALLBACK }, "/two-factor/fallback/send")).location).toBe("/two-factor/fallback/verify");
    for (let minutes = 0; minutes < 40; minutes += 10) {
      ctx.clock.advance(10 * MINUTE_MS);
      await client.get("/"); // the session stays alive (30 minutes idle)
    }
    const resent = await client.submit("/two-factor/fallback/verify", {}, "/two-factor/fallback/resend");
    expect(resent.location).toMatch(/^\/two-factor\/step-up\?/);
    expect(smsTo(FALLBACK)).toBe(1);
    const verified = await client.submit("/two-factor/fallback/verify", { code: lastSmsCode(ctx, FALLBACK) }, "/two-factor/fallback/verify");
    expect(verified.status).not.toBe(303);
    expect(await storedFallback(ctx, user.id)).toBeNull();
  });

  it("a phone number typed after the window is kept through the step-up and its code sent once the code is verified", async () => {
    const { user, secret, client } = await signedIn();
    const form = await client.get("/two-factor/fallback");
    ctx.clock.advance(6 * MINUTE_MS);
    const asked = await client.postForm("/two-factor/fallback/send", { _csrf: csrfTokenOf(form.body), phone: "+44 7400 654321" });
    expect(asked.location).toMatch(/^\/two-factor\/step-up\?then=fallback&resume=1$/);
    expect(smsTo(FALLBACK)).toBe(0);
    const sent = await stepUp(client, secret, asked.location!);
    expect(sent.location).toBe("/two-factor/fallback/verify");
    expect(smsTo(FALLBACK)).toBe(1);
    expect((await client.submit("/two-factor/fallback/verify", { code: lastSmsCode(ctx, FALLBACK) })).location).toBe("/two-factor");
    expect(await storedFallback(ctx, user.id)).toBe("+447400654321");
  });

  it("'Remove fallback phone' asked after the window is done once the code is verified, with its confirmation, no second click", async () => {
    const { user, secret, client } = await signedIn();
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: FALLBACK }).where("id", "=", user.id).execute();
    ctx.clock.advance(6 * MINUTE_MS);
    const asked = await client.submit("/two-factor", {}, "/two-factor/fallback/remove");
    expect(asked.location).toMatch(/^\/two-factor\/step-up\?/);
    expect(await storedFallback(ctx, user.id)).toBe(FALLBACK);
    const done = await stepUp(client, secret, asked.location!);
    expect(done.location).toBe("/two-factor");
    expect(await storedFallback(ctx, user.id)).toBeNull();
    expect((await client.get("/two-factor")).body).toMatch(/role="status"[^>]*>[^<]*removed/i);
  });

  it("changing the SMS method: after the step-up window, 'Resend code' sends nothing and extends nothing (no chain of resends)", async () => {
    const { user, client } = await signedIn();
    const NEW_PHONE = "+447400111122";
    expect((await client.submit("/two-factor/setup/sms", { phone: NEW_PHONE }, "/two-factor/setup/sms/send")).location).toBe("/two-factor/setup/sms/verify");
    ctx.clock.advance(6 * MINUTE_MS);
    const resent = await client.submit("/two-factor", {}, "/two-factor/setup/sms/resend");
    expect(resent.location).toMatch(/^\/two-factor\/step-up\?/);
    expect(smsTo(NEW_PHONE)).toBe(1);
    ctx.clock.advance(5 * MINUTE_MS); // past the first code's 10 minutes
    await client.submit("/two-factor", { code: lastSmsCode(ctx, NEW_PHONE) }, "/two-factor/setup/sms/verify");
    expect(await ctx.testDb.database.db.selectFrom("second_factors").select("kind").where("user_id", "=", user.id).where("status", "=", "active").execute()).toEqual([{ kind: "totp" }]);
  });

  it("changing the SMS method: a number typed after the window is kept through the step-up and its code sent once verified", async () => {
    const { secret, client } = await signedIn();
    const form = await client.get("/two-factor/setup/sms");
    ctx.clock.advance(6 * MINUTE_MS);
    const asked = await client.postForm("/two-factor/setup/sms/send", { _csrf: csrfTokenOf(form.body), phone: "+44 7400 111122" });
    expect(asked.location).toBe("/two-factor/step-up?then=setup-sms&resume=1");
    const sent = await stepUp(client, secret, asked.location!);
    expect(sent.location).toBe("/two-factor/setup/sms/verify");
    expect(smsTo("+447400111122")).toBe(1);
  });

  it("'Change password' posted after the window is kept (as a hash) through the step-up and done once the code is verified", async () => {
    const { user, secret, client } = await signedIn();
    const form = await client.get("/account/password");
    ctx.clock.advance(6 * MINUTE_MS);
    const fields = { _csrf: csrfTokenOf(form.body), current: TEST_PASSWORD, password: "a passphrase kept through the step-up", confirm: "a passphrase kept through the step-up" };
    const asked = await client.postForm("/account/password", fields);
    expect(asked.location).toBe("/two-factor/step-up?then=password&resume=1");
    const kept = await ctx.testDb.database.db.selectFrom("pending_actions").select("payload").execute();
    expect(kept[0]!.payload).not.toContain("kept through");
    const before = (await ctx.testDb.database.db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow()).password_hash;
    expect((await stepUp(client, secret, asked.location!)).location).toBe("/");
    const after = (await ctx.testDb.database.db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow()).password_hash;
    expect(after).not.toBe(before);
    expect((await ctx.client().submit("/login", { email: user.email, password: "a passphrase kept through the step-up" })).status).toBe(303);
  });

  it("a kept change cannot be posted directly: the form's own fields are required outside a step-up", async () => {
    const { user, client } = await signedIn();
    const forged = await client.submit("/account/password", { new_hash: "$argon2id$v=19$m=19456,t=2,p=1$AAAA$BBBB", based_on: "0".repeat(64) });
    expect(forged.status).toBe(400);
    expect((await ctx.testDb.database.db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow()).password_hash).toBe(user.password_hash);
  });
});
