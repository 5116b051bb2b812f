import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RESEND_COOLDOWN_MS } from "../../src/auth/sms-challenge.ts";
import { MESSAGES } from "../support/messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { lastSmsCode, otherCode, sendSmsSetupCode, submitSmsSetupCode } from "../support/two-factor.ts";

const TYPED_PHONE = "+44 7400 123456";
const PHONE = "+447400123456";

describe.each(TEST_DIALECTS)("SMS set-up (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  const db = () => ctx.testDb.database.db;
  const factorsOf = (userId: string) => db().selectFrom("second_factors").selectAll().where("user_id", "=", userId).execute();
  const smsSent = () => ctx.outbox.list().filter((entry) => entry.channel === "sms");
  const resend = (client: HttpClient) => client.submit("/two-factor/setup/sms/verify", {}, "/two-factor/setup/sms/resend");

  async function pendingClient(): Promise<{ client: HttpClient; userId: string }> {
    const user = await ctx.createUser();
    return { client: await ctx.signInWithPassword(user.email), userId: user.id };
  }

  /** A signed-in client whose code was just sent to PHONE. */
  async function codeSent(): Promise<{ client: HttpClient; userId: string }> {
    const pending = await pendingClient();
    const sent = await sendSmsSetupCode(pending.client, TYPED_PHONE);
    expect(sent.status).toBe(303);
    expect(sent.location).toBe("/two-factor/setup/sms/verify");
    return pending;
  }

  it("a number typed with spaces is stored as E.164, and only becomes the method once its code is verified", async () => {
    const { client, userId } = await codeSent();
    expect(smsSent().map((entry) => entry.to)).toEqual([PHONE]);
    expect((await factorsOf(userId)).filter((factor) => factor.status === "active")).toHaveLength(0);

    const page = await client.get("/two-factor/setup/sms/verify");
    expect(page.body).toMatch(/<label for="field-code">Six-digit code<\/label>/);
    expect(page.body).toContain(">Resend code</button>");
    expect(page.body).toContain('id="code-expiry"');

    const done = await submitSmsSetupCode(client, lastSmsCode(ctx, PHONE));
    expect(done.status).toBe(303);
    expect(done.location).toBe("/");
    const factors = await factorsOf(userId);
    expect(factors).toHaveLength(1);
    expect(factors[0]).toMatchObject({ kind: "sms", status: "active", phone_e164: PHONE });
  });

  it.each([
    ["hello", MESSAGES.phoneInvalid],
    ["+1 555", MESSAGES.phoneInvalid],
    ["", MESSAGES.phoneEmpty],
  ])("the phone number %j gets a message tied to the field and no SMS", async (typed, message) => {
    const { client, userId } = await pendingClient();
    const response = await sendSmsSetupCode(client, typed);
    expect(response.status).toBe(400);
    expect(response.body).toContain(`<p class="error" id="field-phone-error">${message}</p>`);
    expect(response.body).toMatch(/<input id="field-phone"[^>]*aria-describedby="[^"]*\bfield-phone-error\b/);
    expect(smsSent()).toHaveLength(0);
    expect(await factorsOf(userId)).toHaveLength(0);
    expect(await db().selectFrom("sms_challenges").selectAll().execute()).toHaveLength(0);
  });

  it("the code from the outbox lands on the dashboard with the confirmation and the phone masked to its last two digits", async () => {
    const { client } = await codeSent();
    await submitSmsSetupCode(client, lastSmsCode(ctx, PHONE));
    const dashboard = await client.get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain("<h1>Dashboard</h1>");
    expect(dashboard.body).toMatch(/<div role="status"[^>]*>Two-factor authentication is set up/);
    expect(dashboard.body).toContain("SMS to •••• •••• 56");
    for (const hidden of ["+44", "7400", "1234", "3456", PHONE]) expect(dashboard.body).not.toContain(hidden);
  });

  it("the code is accepted at 9:59", async () => {
    const { client } = await codeSent();
    ctx.clock.advance(10 * MINUTE_MS - 1_000);
    const response = await submitSmsSetupCode(client, lastSmsCode(ctx, PHONE));
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
  });

  it("the code is refused at 10:01 with the message to restart this process", async () => {
    const { client, userId } = await codeSent();
    const csrf = csrfTokenOf((await client.get("/two-factor/setup/sms/verify")).body);
    ctx.clock.advance(10 * MINUTE_MS + 1_000); // the page stays open while the user looks for the code
    const response = await client.postForm("/two-factor/setup/sms/verify", { _csrf: csrf, code: lastSmsCode(ctx, PHONE) });
    expect(response.status).toBe(410);
    expect(response.body).toContain("restart this process");
    expect((await factorsOf(userId)).filter((factor) => factor.status === "active")).toHaveLength(0);
  });

  it("a resend within 30 seconds is refused with the cool-down and sends nothing", async () => {
    const { client } = await codeSent();
    const page = await client.get("/two-factor/setup/sms/verify");
    expect(page.body).toContain("You can ask for a new code in");
    ctx.clock.advance(RESEND_COOLDOWN_MS - 1_000);
    const response = await resend(client);
    expect(response.status).toBe(429);
    expect(response.body).toContain("You can ask for a new code in 1 second.");
    expect(smsSent()).toHaveLength(1);
  });

  it("after 30 seconds a resend sends a new code and kills the old one", async () => {
    const { client } = await codeSent();
    const oldCode = lastSmsCode(ctx, PHONE);
    ctx.clock.advance(RESEND_COOLDOWN_MS);
    const response = await resend(client);
    expect(response.status).toBe(303);
    expect(response.location).toBe("/two-factor/setup/sms/verify");
    expect(smsSent()).toHaveLength(2);
    const newCode = lastSmsCode(ctx, PHONE);

    const old = await submitSmsSetupCode(client, oldCode);
    expect(old.status).toBe(400);
    expect(old.body).toContain(MESSAGES.codeWrong);
    const fresh = await submitSmsSetupCode(client, newCode);
    expect(fresh.status).toBe(303);
    expect(fresh.location).toBe("/");
  });

  it("the code is stored hashed: no table holds it", async () => {
    const { client } = await codeSent();
    const code = lastSmsCode(ctx, PHONE);
    const challenges = await db().selectFrom("sms_challenges").selectAll().execute();
    expect(challenges).toHaveLength(1);
    expect(challenges[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(challenges)).not.toContain(code);
    expect(JSON.stringify(await db().selectFrom("second_factors").selectAll().execute())).not.toContain(code);
    expect(JSON.stringify(await db().selectFrom("audit_events").selectAll().execute())).not.toContain(code);
    expect((await submitSmsSetupCode(client, code)).location).toBe("/");
  });

  it("the sixth try is refused even with the right code", async () => {
    const { client, userId } = await codeSent();
    const code = lastSmsCode(ctx, PHONE);
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      const response = await submitSmsSetupCode(client, otherCode(code));
      expect(response.status, `try ${attempt}`).toBe(400);
      expect(response.body).toContain(MESSAGES.codeWrong);
    }
    const sixth = await submitSmsSetupCode(client, code);
    expect(sixth.status).toBe(429);
    expect(sixth.body).toContain(MESSAGES.tooManyCodes);
    expect((await factorsOf(userId)).filter((factor) => factor.status === "active")).toHaveLength(0);
  });
});
