import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MESSAGES } from "../support/messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { enrollApp, lastSmsCode, otherCode, signInWithAppCode, startAppSetup, submitAppSetupCode, totpCodeAt } from "../support/two-factor.ts";

const FALLBACK = "+447400654321";
const DIALOG_OPEN = /<dialog [^>]* open data-reset-dialog>/;

describe.each(TEST_DIALECTS)("reset code: expiry, tries, binding, stages (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect, { env: { SUPPORT_CONTACT: "help@example.com" } });
  });
  afterEach(async () => ctx.close());

  const db = () => ctx.testDb.database.db;
  const factorCount = async (userId: string) => (await db().selectFrom("second_factors").select("id").where("user_id", "=", userId).execute()).length;
  const smsCount = () => ctx.outbox.list().filter((entry) => entry.to === FALLBACK).length;
  const send = (client: HttpClient) => client.submit("/two-factor/reset", {}, "/two-factor/reset/send");
  const submit = (client: HttpClient, code: string) => client.submit("/two-factor/reset", { reset_code: code });

  async function userWithFallback(email = "ann@example.com") {
    const user = await ctx.createUser({ email });
    const secret = await enrollApp(ctx, user.email);
    await db().updateTable("users").set({ fallback_phone_e164: FALLBACK }).where("id", "=", user.id).execute();
    return { user, secret };
  }

  /** A pending session of a user with an app and a fallback phone, with a reset code sent; returns the code. */
  async function pendingWithCode() {
    const { user, secret } = await userWithFallback();
    ctx.clock.advance(30_000);
    const client = await ctx.signInWithPassword(user.email);
    expect((await send(client)).location).toBe("/two-factor/reset");
    return { user, secret, client, code: lastSmsCode(ctx, FALLBACK) };
  }

  async function expectRefused(client: HttpClient, code: string, status: number, message: string) {
    const response = await submit(client, code);
    expect(response.status).toBe(status);
    expect(response.body).toMatch(DIALOG_OPEN);
    expect(response.body).toContain(message);
  }

  it("is accepted at 9:59", async () => {
    const { user, client, code } = await pendingWithCode();
    ctx.clock.advance(10 * MINUTE_MS - 1000);
    expect((await submit(client, code)).location).toBe("/two-factor/setup");
    expect(await factorCount(user.id)).toBe(0);
  });

  it("is refused at 10:01, and the dialog offers to send a new one", async () => {
    const { user, client, code } = await pendingWithCode();
    ctx.clock.advance(10 * MINUTE_MS + 1000);
    await expectRefused(client, code, 400, MESSAGES.resetCodeExpired);
    expect((await submit(client, code)).body).toContain("Send Reset SMS code");
    expect(await factorCount(user.id)).toBe(1);
  });

  it("a wrong code keeps the dialog open with the error on the field", async () => {
    const { user, client, code } = await pendingWithCode();
    const wrong = await submit(client, otherCode(code));
    expect(wrong.status).toBe(400);
    expect(wrong.body).toMatch(DIALOG_OPEN);
    expect(wrong.body).toContain(`<p class="error" id="reset-code-error">${MESSAGES.codeWrong}</p>`);
    expect(wrong.body).toMatch(/id="field-reset-code"[^>]*aria-invalid="true"/);
    expect(await factorCount(user.id)).toBe(1);
    expect((await submit(client, code)).location).toBe("/two-factor/setup"); // the right one still works
  });

  it(`a used code cannot be used again, not even by concurrent requests (told it is used, not "too many")`, async () => {
    const { user, client, code } = await pendingWithCode();
    const csrf = csrfTokenOf((await client.get("/two-factor/reset")).body);
    const both = await Promise.all([0, 1, 2, 3].map(() => client.postForm("/two-factor/reset", { _csrf: csrf, reset_code: code })));
    // One resets; the others find the code used (400 in the dialog) or the methods already gone (set-up).
    expect(both.filter((response) => response.location === "/two-factor/setup").length).toBeGreaterThanOrEqual(1);
    for (const response of both) expect(response.location === "/two-factor/setup" || (response.status === 400 && response.body.includes(MESSAGES.noCodeSent))).toBe(true);
    await ctx.flushMail();
    expect(ctx.outbox.list().filter((mail) => mail.to === user.email && mail.body.includes("fallback phone"))).toHaveLength(1);
    const again = await client.submit("/two-factor/setup", { reset_code: code }, "/two-factor/reset");
    expect(again.location).toBe("/two-factor/setup");
    const resets = await db().selectFrom("audit_events").select("type").where("subject_user_id", "=", user.id).where("type", "=", "two_factor.reset").execute();
    expect(resets).toHaveLength(1);
    const live = await db().selectFrom("sms_challenges").select("id").where("user_id", "=", user.id).where("purpose", "=", "reset").where("consumed_at", "is", null).execute();
    expect(live).toHaveLength(0);
  });

  it("the 6th try is refused even when it is right", async () => {
    const { user, client, code } = await pendingWithCode();
    for (let i = 0; i < 5; i += 1) await expectRefused(client, otherCode(code), 400, MESSAGES.codeWrong);
    await expectRefused(client, code, 429, MESSAGES.tooManyCodes);
    expect(await factorCount(user.id)).toBe(1);
  });

  it("asking again after the cool-down replaces the code (old refused, new accepted)", async () => {
    const { user, client, code: first } = await pendingWithCode();
    const early = await send(client);
    expect(early.status).toBe(429); // the 30 s cool-down, said as a notice in the open dialog
    expect(early.body).toMatch(DIALOG_OPEN);
    expect(smsCount()).toBe(1);
    ctx.clock.advance(30_000);
    const resent = await client.submit("/two-factor/reset", {}, "/two-factor/reset/send");
    expect(resent.location).toBe("/two-factor/reset");
    expect((await client.get("/two-factor/reset")).body).toContain(">Send a new reset code</button>");
    expect(smsCount()).toBe(2);
    const second = lastSmsCode(ctx, FALLBACK);
    if (second === first) return; // one chance in a million: nothing to tell apart
    await expectRefused(client, first, 400, MESSAGES.codeWrong);
    expect(await factorCount(user.id)).toBe(1);
    expect((await submit(client, second)).location).toBe("/two-factor/setup");
  });

  it("asking again does not reset the failure count: 4 wrong, resend, 1 wrong, then even the right code is refused", async () => {
    const { user, client, code: first } = await pendingWithCode();
    for (let i = 0; i < 4; i += 1) await expectRefused(client, otherCode(first), 400, MESSAGES.codeWrong);
    ctx.clock.advance(30_000);
    expect((await send(client)).location).toBe("/two-factor/reset");
    const second = lastSmsCode(ctx, FALLBACK);
    await expectRefused(client, otherCode(second), 400, MESSAGES.codeWrong);
    await expectRefused(client, second, 429, MESSAGES.tooManyCodes);
    expect(await factorCount(user.id)).toBe(1);
  });

  it("a code sent to one pending session is refused in another session of the same user", async () => {
    const { user, client, code } = await pendingWithCode();
    const other = await ctx.signInWithPassword(user.email);
    const refused = await submit(other, code);
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(MESSAGES.noCodeSent);
    expect(await factorCount(user.id)).toBe(1);
    expect((await submit(client, code)).location).toBe("/two-factor/setup"); // still good where it was sent
  });

  it("without the password step (no session, or a full session) reset and send redirect away and change nothing", async () => {
    const { user, secret, code } = await pendingWithCode();
    const full = await signInWithAppCode(ctx, user.email, secret);
    const anonymous = ctx.client();
    const snapshot = async () => ({
      factors: await db().selectFrom("second_factors").selectAll().orderBy("id").execute(),
      sessions: await db().selectFrom("sessions").selectAll().orderBy("id").execute(),
      challenges: await db().selectFrom("sms_challenges").selectAll().orderBy("id").execute(),
      audit: await db().selectFrom("audit_events").select("id").orderBy("id").execute(),
      sent: ctx.outbox.list().length,
    });
    const before = await snapshot();
    for (const [client, page, home] of [
      [anonymous, "/login", "/login"],
      [full, "/", "/"],
    ] as const) {
      for (const action of ["/two-factor/reset", "/two-factor/reset/send"]) {
        const response = await client.submit(page, { reset_code: code }, action);
        expect(response.status, `${action} from ${page}`).toBe(303);
        expect(response.location, `${action} from ${page}`).toBe(home);
      }
      expect((await client.get("/two-factor/reset")).location).toBe(home);
    }
    expect(await snapshot()).toEqual(before);
  });

  it("a user without a fallback phone cannot send a reset code", async () => {
    const user = await ctx.createUser();
    await enrollApp(ctx, user.email);
    const client = await ctx.signInWithPassword(user.email);
    const sentBefore = ctx.outbox.list().length;
    const response = await client.submit("/two-factor/reset", {}, "/two-factor/reset/send");
    expect(response.body).toMatch(DIALOG_OPEN);
    expect(response.body).toContain("help@example.com");
    expect(response.body).not.toContain("Reset code");
    expect(ctx.outbox.list().length).toBe(sentBefore);
    expect(await db().selectFrom("sms_challenges").select("id").where("user_id", "=", user.id).where("purpose", "=", "reset").execute()).toHaveLength(0);
  });

  it("the reset code is stored hashed", async () => {
    const { user, code } = await pendingWithCode();
    const rows = await db().selectFrom("sms_challenges").selectAll().where("user_id", "=", user.id).where("purpose", "=", "reset").execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.code_hash).not.toContain(code);
    expect(JSON.stringify(rows)).not.toContain(code);
  });

  it("after a reset every other session ends; the resetting session reaches only set-up until a new method is verified", async () => {
    const { user, secret, client, code } = await pendingWithCode();
    const fullElsewhere = await signInWithAppCode(ctx, user.email, secret);
    const pendingElsewhere = await ctx.signInWithPassword(user.email);
    expect((await submit(client, code)).location).toBe("/two-factor/setup");
    expect((await fullElsewhere.get("/")).location).toBe("/login");
    expect((await pendingElsewhere.get("/two-factor/verify")).location).toBe("/login");
    const sessions = await db().selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(sessions).toHaveLength(1);

    for (const path of ["/", "/two-factor", "/two-factor/verify", "/two-factor/reset", "/two-factor/fallback", "/no-such-page"]) {
      const response = await client.get(path);
      expect(response.status, path).toBe(303);
      expect(response.location, path).toBe("/two-factor/setup");
    }
    // A session that has reset cannot ask for another reset code until it has set up a method.
    const sentBefore = smsCount();
    const again = await client.submit("/two-factor/setup", {}, "/two-factor/reset/send");
    expect(again.location).toBe("/two-factor/setup");
    expect(smsCount()).toBe(sentBefore);

    const newSecret = await startAppSetup(client);
    expect((await submitAppSetupCode(client, totpCodeAt(newSecret, ctx.clock.nowMs()))).location).toBe("/");
    const dashboard = await client.get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain("<h1>Dashboard</h1>");
  });
});
