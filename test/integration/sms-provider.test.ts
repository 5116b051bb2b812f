import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTwilioSms } from "../../src/adapters/sms/twilio-sms.ts";
import { MESSAGES } from "../support/messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { type FakeTwilio, startFakeTwilio } from "../support/fake-twilio.ts";
import type { HttpClient } from "../support/http-client.ts";
import { sendSmsSetupCode, submitSmsSetupCode } from "../support/two-factor.ts";

const FROM = "+15005550006";
const PHONE = "+447400123456";

describe.each(TEST_DIALECTS)("SMS through the Twilio Messages API (%s)", (dialect) => {
  let twilio: FakeTwilio;
  let ctx: TestContext;
  let client: HttpClient;
  let userId: string;
  beforeEach(async () => {
    twilio = await startFakeTwilio();
    const sms = createTwilioSms({ accountSid: twilio.accountSid, authToken: twilio.authToken, from: FROM, apiBase: twilio.apiBase, timeoutMs: 300 });
    ctx = await createTestContext(dialect, { sms });
    const user = await ctx.createUser();
    userId = user.id;
    client = await ctx.signInWithPassword(user.email);
  });
  afterEach(async () => {
    await ctx.close();
    await twilio.close();
  });

  const challenges = () => ctx.testDb.database.db.selectFrom("sms_challenges").selectAll().execute();

  /** The six digits of the last message Twilio accepted. */
  function lastTwilioCode(): string {
    const code = /\b(\d{6})\b/.exec(twilio.messages.at(-1)?.body ?? "")?.[1];
    if (!code) throw new Error("Twilio accepted no message with a code");
    return code;
  }

  it("Twilio receives To in E.164, From, a body with a six-digit code and our credentials, and that code finishes the set-up", async () => {
    const sent = await sendSmsSetupCode(client, "+44 7400 123456");
    expect(sent.status).toBe(303);
    expect(sent.location).toBe("/two-factor/setup/sms/verify");
    // The fake answers 401 to wrong basic auth and records nothing: one request, one message.
    expect(twilio.requestCount()).toBe(1);
    expect(twilio.messages).toHaveLength(1);
    expect(twilio.messages[0]).toMatchObject({ to: PHONE, from: FROM });
    expect(twilio.messages[0]!.body).toMatch(/\b\d{6}\b/);
    expect(twilio.messages[0]!.body).toContain("Gatehouse");

    const done = await submitSmsSetupCode(client, lastTwilioCode());
    expect(done.status).toBe(303);
    expect(done.location).toBe("/");
  });

  it.each(["fail", "hang"] as const)(
    "when Twilio is in %s mode the page says the code could not be sent, keeps working, and keeps no challenge",
    async (mode) => {
      twilio.setMode(mode);
      const response = await sendSmsSetupCode(client, "+44 7400 123456");
      expect(response.status).toBe(502);
      expect(response.body).toContain(MESSAGES.smsFailed);
      expect(response.body).toContain("<h1>Set up SMS codes</h1>");
      expect(response.body).toContain('value="+44 7400 123456"');
      expect(twilio.requestCount()).toBe(1);
      expect(await challenges()).toHaveLength(0);

      const page = await client.get("/two-factor/setup/sms");
      expect(page.status).toBe(200);
      expect(page.body).toContain(">Send code</button>");

      twilio.setMode("ok");
      const retry = await sendSmsSetupCode(client, "+44 7400 123456");
      expect(retry.status).toBe(303);
      expect(retry.location).toBe("/two-factor/setup/sms/verify");
      expect(twilio.messages).toHaveLength(1);
      expect(await challenges()).toHaveLength(1);
      const done = await submitSmsSetupCode(client, lastTwilioCode());
      expect(done.location).toBe("/");
      const active = await ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", userId).where("status", "=", "active").execute();
      expect(active).toHaveLength(1);
      expect(active[0]!.phone_e164).toBe(PHONE);
    },
  );
});
