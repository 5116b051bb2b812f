import { describe, expect, it } from "vitest";
import { RESEND_COOLDOWN_MS } from "../../src/auth/sms-challenge.ts";
import { resendCooldownMessage } from "../../src/views/code-messages.ts";
import { MESSAGES } from "../support/messages.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import {
  auditEventsOf,
  clientWithUserAgent,
  enrollApp,
  enrollSms,
  factorStates,
  keyFromSetupPage,
  lastSmsCode,
  otherCode,
  signInWithAppCode,
  signInWithSmsCode,
  staleThenStepUp,
  stepUpWithApp,
  storedFallback,
  submitAppSetupCode,
  totpCodeAt,
  wrongTotpCode,
} from "../support/two-factor.ts";

const PHONE = "+447400123456";
const FALLBACK = "+447400654321";
const JUST_UNDER = 5 * MINUTE_MS - 1_000; // 4:59
const STEP_UP_PAGE = (then: string) => `/two-factor/step-up?then=${then}`;

/** Each way into a change: fresh, it goes ahead; 5 minutes after the last proof, it asks for a step-up first. */
const ENTRY_POINTS: { name: string; then: string; path: string; fields: Record<string, string> | null; fresh: string | null; after: string }[] = [
  { name: "POST /two-factor/setup/app", then: "setup-app", path: "/two-factor/setup/app", fields: {}, fresh: "/two-factor/setup/app", after: "/two-factor/setup/app" },
  { name: "POST /two-factor/setup/sms", then: "setup-sms", path: "/two-factor/setup/sms", fields: {}, fresh: "/two-factor/setup/sms", after: "/two-factor/setup/sms" },
  { name: "GET /two-factor/fallback", then: "fallback", path: "/two-factor/fallback", fields: null, fresh: null, after: "/two-factor/fallback" },
  // A form posted after the window is kept through the step-up and finished once the code is verified (resume=1).
  { name: "POST /two-factor/fallback/send", then: "fallback&resume=1", path: "/two-factor/fallback/send", fields: { phone: "+44 7400 333344" }, fresh: "/two-factor/fallback/verify", after: "/two-factor/fallback/verify" },
  { name: "POST /two-factor/fallback/remove", then: "manage&resume=1", path: "/two-factor/fallback/remove", fields: {}, fresh: "/two-factor", after: "/two-factor" },
];

describe.each(TEST_DIALECTS)("manage two-factor: step-up (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const db = () => ctx.testDb.database.db;
  const smsCountTo = (phone: string) => ctx.outbox.list().filter((entry) => entry.to === phone).length;

  const request = (client: HttpClient, entry: (typeof ENTRY_POINTS)[number]) => (entry.fields ? client.submit("/two-factor", entry.fields, entry.path) : client.get(entry.path));
  const state = async (userId: string) => ({ factors: await factorStates(ctx, userId), fallback: await storedFallback(ctx, userId), sent: ctx.outbox.list().length });

  it.each(ENTRY_POINTS)("$name: no step-up at 4:59 after the sign-in code, a step-up at 5:00", async (entry) => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);

    await db().updateTable("users").set({ fallback_phone_e164: FALLBACK }).where("id", "=", user.id).execute();

    const fresh = await signInWithAppCode(ctx, user.email, secret);
    ctx.clock.advance(JUST_UNDER);
    const done = await request(fresh, entry);
    if (entry.fresh) expect(done.location).toBe(entry.fresh);
    else expect(done.body).toContain('<label for="field-phone">Fallback phone number</label>');

    await db().updateTable("users").set({ fallback_phone_e164: FALLBACK }).where("id", "=", user.id).execute();
    const stale = await signInWithAppCode(ctx, user.email, secret);
    ctx.clock.advance(5 * MINUTE_MS);
    const before = await state(user.id);
    const refused = await request(stale, entry);
    expect(refused.status).toBe(303);
    expect(refused.location).toBe(STEP_UP_PAGE(entry.then));
    expect(await state(user.id)).toEqual(before);

    // The step-up page asks for the current code and leads back to the change.
    const page = await stale.get(refused.location!);
    expect(page.body).toContain("<h1>Confirm it&#39;s you</h1>");
    expect(page.body).toContain('<label for="field-code">Six-digit code</label>');
    expect((await stepUpWithApp(ctx, stale, secret, entry.then)).location).toBe(entry.after);
  });

  it("a step-up is itself fresh for exactly 5 minutes", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    ctx.clock.advance(5 * MINUTE_MS);
    expect((await stepUpWithApp(ctx, client, secret, "manage")).location).toBe("/two-factor");
    ctx.clock.advance(JUST_UNDER);
    expect((await client.get("/two-factor/fallback")).status).toBe(200);
    ctx.clock.advance(1_000);
    expect((await client.get("/two-factor/fallback")).location).toBe(STEP_UP_PAGE("fallback"));
  });

  it("a change started within the 5 minutes can be finished after them, within its own 10 minutes: same key, same code", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    ctx.clock.advance(4 * MINUTE_MS);
    expect((await client.submit("/two-factor", {}, "/two-factor/setup/sms")).location).toBe("/two-factor/setup/sms");
    expect((await client.submit("/two-factor/setup/sms", { phone: PHONE }, "/two-factor/setup/sms/send")).location).toBe("/two-factor/setup/sms/verify");
    ctx.clock.advance(2 * MINUTE_MS); // the SMS was slow: 6 minutes after the sign-in code
    expect((await client.get("/two-factor/setup/sms/verify")).status).toBe(200);
    expect((await client.submit("/two-factor/setup/sms/verify", { code: lastSmsCode(ctx, PHONE) })).location).toBe("/two-factor");
    expect(await factorStates(ctx, user.id)).toEqual([["sms", "active"]]);

    // Back to the app: step-up by SMS, scan, and verify at 5:30 after the step-up with the key scanned.
    ctx.clock.advance(5 * MINUTE_MS);
    expect(await staleThenStepUp(ctx, client, { kind: "sms", phone: PHONE }, "setup-app")).toBe("/two-factor/setup/app");
    const scanned = keyFromSetupPage((await client.get("/two-factor/setup/app")).body);
    ctx.clock.advance(5 * MINUTE_MS + 30_000);
    expect(keyFromSetupPage((await client.get("/two-factor/setup/app")).body).equals(scanned)).toBe(true);
    expect((await submitAppSetupCode(client, totpCodeAt(scanned, ctx.clock.nowMs()))).location).toBe("/two-factor");
    expect(await factorStates(ctx, user.id)).toEqual([["totp", "active"]]);

    // A stale session still cannot start anything new, nor send a code to another number.
    expect((await client.submit("/two-factor", {}, "/two-factor/setup/sms")).location).toBe(STEP_UP_PAGE("setup-sms"));
    expect((await client.postForm("/two-factor/setup/sms/send", { _csrf: csrfTokenOf((await client.get("/two-factor")).body), phone: FALLBACK })).location).toBe(STEP_UP_PAGE("setup-sms&resume=1")); // kept, sent only after a step-up
    expect((await client.submit("/two-factor", {}, "/two-factor/setup/app")).location).toBe(STEP_UP_PAGE("setup-app"));
  });

  it("a wrong step-up code is refused (400) and audited as two_factor.step_up_failed", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret, clientWithUserAgent(ctx, "StepUpTest/1.0"));
    ctx.clock.advance(5 * MINUTE_MS);
    const wrong = await client.submit(STEP_UP_PAGE("setup-app"), { code: wrongTotpCode(secret, ctx.clock.nowMs()) });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain(MESSAGES.codeWrong);
    expect(wrong.body).toContain('aria-invalid="true"');
    const failed = (await auditEventsOf(ctx, user.id)).filter((event) => event.type === "two_factor.step_up_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ actor_user_id: user.id, ip: "127.0.0.1", user_agent: "StepUpTest/1.0" });
    expect(JSON.parse(failed[0]!.detail!)).toEqual({ method: "totp" });
    // Still not fresh, and nothing was started.
    expect((await client.submit("/two-factor", {}, "/two-factor/setup/app")).location).toBe(STEP_UP_PAGE("setup-app"));
    expect(await factorStates(ctx, user.id)).toEqual([["totp", "active"]]);
  });

  it("the `then` parameter leads only to the closed list: anything else goes to /two-factor", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    for (const then of ["https://evil.example", "//evil.example", "/admin", "setup-app\r\nLocation: https://evil.example", ""]) {
      ctx.clock.advance(5 * MINUTE_MS);
      const page = await client.get(STEP_UP_PAGE(encodeURIComponent(then)));
      expect(page.status).toBe(200);
      expect(page.body).not.toContain("evil.example");
      expect(page.body).toContain('action="/two-factor/step-up?then=manage"');
      const done = await stepUpWithApp(ctx, client, secret, encodeURIComponent(then));
      expect(done.status).toBe(303);
      expect(done.location).toBe("/two-factor");
    }
  });

  it("SMS step-up sends nothing until \"Send code\", then honours the 30 s cool-down", async () => {
    const user = await ctx.createUser();
    await enrollSms(ctx, user.email, PHONE);
    const client = await signInWithSmsCode(ctx, user.email, PHONE);
    ctx.clock.advance(5 * MINUTE_MS);
    const before = smsCountTo(PHONE);
    const ask = await client.submit("/two-factor", {}, "/two-factor/setup/app");
    expect(ask.location).toBe(STEP_UP_PAGE("setup-app"));
    const page = await client.get(ask.location!);
    expect(page.body).toContain(">Send code</button>");
    expect(page.body).toContain("•••• •••• 56");
    expect(page.body).not.toContain("Six-digit code");
    expect(smsCountTo(PHONE)).toBe(before);

    const send = () => client.submit(ask.location!, {}, "/two-factor/step-up/send?then=setup-app");
    expect((await send()).location).toBe(ask.location);
    expect(smsCountTo(PHONE)).toBe(before + 1);
    const first = lastSmsCode(ctx, PHONE);
    const codePage = await client.get(ask.location!);
    expect(codePage.body).toContain('<label for="field-code">Six-digit code</label>');
    expect(codePage.body).toContain(">Resend code</button>");

    ctx.clock.advance(RESEND_COOLDOWN_MS - 1_000);
    const early = await send();
    expect(early.status).toBe(429);
    expect(early.body).toContain(resendCooldownMessage(1_000));
    expect(smsCountTo(PHONE)).toBe(before + 1);
    ctx.clock.advance(1_000);
    expect((await send()).location).toBe(ask.location);
    expect(smsCountTo(PHONE)).toBe(before + 2);
    const second = lastSmsCode(ctx, PHONE);

    // The new code replaced the old one.
    if (first !== second) expect((await client.submit(ask.location!, { code: first })).status).toBe(400);
    expect((await client.submit(ask.location!, { code: second })).location).toBe("/two-factor/setup/app");
  });

  it("5 wrong step-up codes: the 6th is refused even when it is right", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    ctx.clock.advance(5 * MINUTE_MS);
    for (let n = 0; n < 5; n += 1) {
      expect((await client.submit(STEP_UP_PAGE("setup-sms"), { code: wrongTotpCode(secret, ctx.clock.nowMs()) })).status).toBe(400);
    }
    ctx.clock.advance(30_000);
    const sixth = await client.submit(STEP_UP_PAGE("setup-sms"), { code: totpCodeAt(secret, ctx.clock.nowMs()) });
    expect(sixth.status).toBe(429);
    expect(sixth.body).toContain(MESSAGES.tooManyCodes);
    expect((await client.submit("/two-factor", {}, "/two-factor/setup/sms")).location).toBe(STEP_UP_PAGE("setup-sms"));
    expect((await auditEventsOf(ctx, user.id)).filter((event) => event.type === "two_factor.step_up")).toHaveLength(0);
  });

  it("5 wrong SMS step-up codes: the 6th is refused even when it is right, and a resent code does not reset the count", async () => {
    const user = await ctx.createUser();
    await enrollSms(ctx, user.email, PHONE);
    const client = await signInWithSmsCode(ctx, user.email, PHONE);
    ctx.clock.advance(5 * MINUTE_MS);
    await client.submit(STEP_UP_PAGE("fallback"), {}, "/two-factor/step-up/send?then=fallback");
    for (let n = 0; n < 5; n += 1) {
      expect((await client.submit(STEP_UP_PAGE("fallback"), { code: otherCode(lastSmsCode(ctx, PHONE)) })).status).toBe(400);
    }
    ctx.clock.advance(RESEND_COOLDOWN_MS);
    expect((await client.submit(STEP_UP_PAGE("fallback"), {}, "/two-factor/step-up/send?then=fallback")).location).toBe(STEP_UP_PAGE("fallback"));
    const sixth = await client.submit(STEP_UP_PAGE("fallback"), { code: lastSmsCode(ctx, PHONE) });
    expect(sixth.status).toBe(429);
    expect((await client.get("/two-factor/fallback")).location).toBe(STEP_UP_PAGE("fallback"));
  });

  it("a successful step-up resets nothing else: the user's other session keeps its state", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const other = await signInWithAppCode(ctx, user.email, secret);
    const client = await signInWithAppCode(ctx, user.email, secret);
    ctx.clock.advance(5 * MINUTE_MS);
    for (let n = 0; n < 3; n += 1) await other.submit(STEP_UP_PAGE("manage"), { code: wrongTotpCode(secret, ctx.clock.nowMs()) });
    await client.submit(STEP_UP_PAGE("manage"), { code: wrongTotpCode(secret, ctx.clock.nowMs()) });
    const sessionsBefore = await db().selectFrom("sessions").selectAll().orderBy("id").execute();

    expect((await stepUpWithApp(ctx, client, secret, "manage")).location).toBe("/two-factor");

    const sessionsAfter = await db().selectFrom("sessions").selectAll().orderBy("id").execute();
    expect(sessionsAfter.map((s) => s.id)).toEqual(sessionsBefore.map((s) => s.id));
    const changed = sessionsAfter.filter((s, i) => s.second_factor_at !== sessionsBefore[i]!.second_factor_at);
    expect(changed).toHaveLength(1); // only the stepping-up session
    expect(changed[0]).toMatchObject({ second_factor_at: ctx.clock.nowMs(), code_attempts: 0 });
    const untouched = sessionsAfter.find((s) => s.id !== changed[0]!.id)!;
    expect(untouched).toEqual(sessionsBefore.find((s) => s.id === untouched.id));
    expect(untouched.code_attempts).toBe(3);
    expect((await other.get("/")).status).toBe(200);
    expect((await other.get("/two-factor/fallback")).location).toBe(STEP_UP_PAGE("fallback"));
    expect(await factorStates(ctx, user.id)).toEqual([["totp", "active"]]);
    expect(await storedFallback(ctx, user.id)).toBeNull();
  });
});
