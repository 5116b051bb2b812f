import { afterEach, describe, expect, it } from "vitest";
import { SMS_LIMITS } from "../../src/auth/sms-challenge.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { sendSmsSetupCode } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("SMS sending is limited (cost and toll-fraud control) (%s)", (dialect) => {
  let ctx: TestContext;
  afterEach(async () => ctx.close());

  const smsCount = () => ctx.outbox.list().filter((m) => m.channel === "sms").length;

  it("one number gets at most five codes an hour, and the sixth request says when to try again", async () => {
    ctx = await createTestContext(dialect);
    const sent: number[] = [];
    for (let i = 0; i < SMS_LIMITS.perNumber.limit + 1; i += 1) {
      const user = await ctx.createUser();
      const client = await ctx.signInWithPassword(user.email);
      const response = await sendSmsSetupCode(client, "+44 7400 123456");
      sent.push(response.status);
      ctx.clock.advance(MINUTE_MS);
    }
    expect(sent.slice(0, SMS_LIMITS.perNumber.limit).every((s) => s === 303)).toBe(true);
    expect(sent.at(-1)).toBe(429);
    expect(smsCount()).toBe(SMS_LIMITS.perNumber.limit);
    ctx.clock.advance(SMS_LIMITS.perNumber.windowMs);
    const user = await ctx.createUser();
    expect((await sendSmsSetupCode(await ctx.signInWithPassword(user.email), "+44 7400 123456")).status).toBe(303);
  });

  it("one address gets at most twenty codes an hour across numbers and accounts", async () => {
    ctx = await createTestContext(dialect);
    let refused = 0;
    for (let i = 0; i < SMS_LIMITS.perIp.limit + 1; i += 1) {
      const user = await ctx.createUser();
      const client = await ctx.signInWithPassword(user.email);
      const response = await sendSmsSetupCode(client, `+44 7400 1234${String(i).padStart(2, "0")}`);
      if (response.status === 429) refused += 1;
    }
    expect(refused).toBe(1);
    expect(smsCount()).toBe(SMS_LIMITS.perIp.limit);
  });

  it("a number outside SMS_ALLOWED_COUNTRIES is refused before anything is sent", async () => {
    ctx = await createTestContext(dialect, { env: { SMS_ALLOWED_COUNTRIES: "IE,GB" } });
    const user = await ctx.createUser();
    const client = await ctx.signInWithPassword(user.email);
    const refused = await sendSmsSetupCode(client, "+1 213 373 4253");
    expect(refused.status).toBe(400);
    expect(refused.body).toContain("cannot send text messages to that country");
    expect(smsCount()).toBe(0);
    expect((await sendSmsSetupCode(client, "+44 7400 123456")).status).toBe(303);
  });
});
