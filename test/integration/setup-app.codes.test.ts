import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SETUP_TTL_MS } from "../../src/auth/second-factor.ts";
import { MESSAGES } from "../support/messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf, type HttpClient, type Response2 } from "../support/http-client.ts";
import { enrollApp, startAppSetup, submitAppSetupCode, totpCodeAt, wrongTotpCode } from "../support/two-factor.ts";

const STEP_MS = 30_000;

/** The code field's error is tied to it: a screen reader reads it with the field. */
function expectFieldError(response: Response2, message: string): void {
  expect(response.body).toContain(`<p class="error" id="code-error">${message}</p>`);
  expect(response.body).toMatch(/<input id="field-code"[^>]*aria-describedby="[^"]*\bcode-error\b[^"]*"[^>]*aria-invalid="true"/);
}

describe.each(TEST_DIALECTS)("authenticator app set-up: which codes are accepted (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  async function pendingAppSetup(): Promise<{ client: HttpClient; secret: Buffer; userId: string }> {
    const user = await ctx.createUser();
    const client = await ctx.signInWithPassword(user.email);
    return { client, secret: await startAppSetup(client), userId: user.id };
  }

  const activeFactors = (userId: string) =>
    ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", userId).where("status", "=", "active").execute();

  it.each([
    ["T-2", -2 * STEP_MS],
    ["T+2", 2 * STEP_MS],
  ])("the code of step %s is refused (RFC 6238 §5.2 allows one step each way)", async (_step, offsetMs) => {
    const { client, secret, userId } = await pendingAppSetup();
    const response = await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs() + offsetMs));
    expect(response.status).toBe(400);
    expectFieldError(response, MESSAGES.codeWrong);
    expect(await activeFactors(userId)).toHaveLength(0);
  });

  it.each([
    ["T-1", -STEP_MS],
    ["T+1", STEP_MS],
  ])("the code of step %s is accepted", async (_step, offsetMs) => {
    const { client, secret, userId } = await pendingAppSetup();
    const response = await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs() + offsetMs));
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
    expect(await activeFactors(userId)).toHaveLength(1);
  });

  it("a wrong code gets a 400 and the error tied to the field, and the set-up stays open", async () => {
    const { client, secret } = await pendingAppSetup();
    const response = await submitAppSetupCode(client, wrongTotpCode(secret, ctx.clock.nowMs()));
    expect(response.status).toBe(400);
    expectFieldError(response, MESSAGES.codeWrong);
    expect(response.body).toContain('aria-label="QR code for authenticator app"');
    const retry = await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(retry.location).toBe("/");
  });

  it("malformed codes get the format message and spend no try: after five, a correct code still works", async () => {
    const { client, secret, userId } = await pendingAppSetup();
    for (const input of ["12345", "abcdef", "1234567", "", "12a456"]) {
      const response = await submitAppSetupCode(client, input);
      expect(response.status, JSON.stringify(input)).toBe(400);
      expectFieldError(response, MESSAGES.codeFormat);
    }
    const sessions = await ctx.testDb.database.db.selectFrom("sessions").select("code_attempts").where("user_id", "=", userId).execute();
    expect(sessions.map((session) => session.code_attempts)).toEqual([0]);
    const response = await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
  });

  it.each([
    ["a space", " "],
    ["a dash", "-"],
  ])("a code typed with %s in the middle is accepted", async (_name, separator) => {
    const { client, secret } = await pendingAppSetup();
    const code = totpCodeAt(secret, ctx.clock.nowMs());
    const response = await submitAppSetupCode(client, `${code.slice(0, 3)}${separator}${code.slice(3)}`);
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
  });

  it("a set-up not finished within 10 minutes says to restart this process, and starting over works", async () => {
    const { client, secret, userId } = await pendingAppSetup();
    ctx.clock.advance(SETUP_TTL_MS);
    const late = await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(late.status).toBe(410);
    expect(late.body).toContain("restart this process");
    expect(late.body).toContain("<h1>Manage Two-Factor Login</h1>");
    const page = await client.get("/two-factor/setup/app");
    expect(page.status).toBe(410);
    expect(page.body).toContain("restart this process");
    expect(await activeFactors(userId)).toHaveLength(0);

    const fresh = await startAppSetup(client);
    expect(fresh.equals(secret)).toBe(false);
    const done = await submitAppSetupCode(client, totpCodeAt(fresh, ctx.clock.nowMs()));
    expect(done.location).toBe("/");
    expect(await activeFactors(userId)).toHaveLength(1);
  });

  it("the sixth code in one session is refused even when it is correct", async () => {
    const { client, secret, userId } = await pendingAppSetup();
    for (let attempt = 1; attempt <= 5; attempt += 1) {
      expect((await submitAppSetupCode(client, wrongTotpCode(secret, ctx.clock.nowMs()))).status, `try ${attempt}`).toBe(400);
    }
    const sixth = await submitAppSetupCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(sixth.status).toBe(429);
    expect(sixth.body).toContain(MESSAGES.tooManyCodes);
    expect(await activeFactors(userId)).toHaveLength(0);
  });

  it("a session pending its code for a user who has a method reaches no set-up URL and cannot add a second method", async () => {
    const user = await ctx.createUser();
    await enrollApp(ctx, user.email);
    const before = await ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", user.id).execute();
    expect(before).toHaveLength(1);
    const client = await ctx.signInWithPassword(user.email);
    for (const path of ["/two-factor/setup", "/two-factor/setup/app", "/two-factor/setup/sms", "/two-factor/setup/sms/verify"]) {
      const response = await client.get(path);
      expect(response.status, `GET ${path}`).toBe(303);
      expect(response.location, `GET ${path}`).toBe("/two-factor/verify");
    }
    const csrf = csrfTokenOf((await client.get("/two-factor/verify")).body);
    const posts: Array<[string, Record<string, string>]> = [
      ["/two-factor/setup/app", {}],
      ["/two-factor/setup/app/verify", { code: "123456" }],
      ["/two-factor/setup/sms", {}],
      ["/two-factor/setup/sms/send", { phone: "+44 7400 123456" }],
      ["/two-factor/setup/sms/resend", {}],
      ["/two-factor/setup/sms/verify", { code: "123456" }],
    ];
    for (const [path, fields] of posts) {
      const response = await client.postForm(path, { _csrf: csrf, ...fields });
      expect(response.status, `POST ${path}`).toBe(303);
      expect(response.location, `POST ${path}`).toBe("/two-factor/verify");
    }
    const after = await ctx.testDb.database.db.selectFrom("second_factors").selectAll().where("user_id", "=", user.id).execute();
    expect(after).toEqual(before);
    expect(await ctx.testDb.database.db.selectFrom("sms_challenges").selectAll().execute()).toHaveLength(0);
    expect(ctx.outbox.list().filter((entry) => entry.channel === "sms")).toHaveLength(0);
  });
});
