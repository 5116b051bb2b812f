import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MESSAGES } from "../support/messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
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
  type KnownMethod,
  signInWith,
  signInWithAppCode,
  signInWithSmsCode,
  staleThenStepUp,
  storedFallback,
  submitSignInCode,
  totpCodeAt,
} from "../support/two-factor.ts";

const PHONE_A = "+447400123456";
const PHONE_B = "+447400111122";
const FALLBACK = "+447400654321";
const FALLBACK_2 = "+447400333344";
const UA = "ChangeTest/2.0 (integration)";
/** Every manage URL (GET and POST of each): a session that has passed only the password gets none of them. */
const PENDING_PROBES = ["/two-factor/setup/app", "/two-factor/setup/app/verify", "/two-factor/setup/sms", "/two-factor/setup/sms/send", "/two-factor/setup/sms/resend"]
  .concat(["/two-factor/setup/sms/verify", "/two-factor/step-up", "/two-factor/step-up?then=setup-app", "/two-factor/step-up/send?then=fallback"])
  .concat(["/two-factor/fallback", "/two-factor/fallback/send", "/two-factor/fallback/resend", "/two-factor/fallback/verify", "/two-factor/fallback/remove"]);

type Method = KnownMethod;

describe.each(TEST_DIALECTS)("manage two-factor: changes, abandoned changes, audit (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  const signIn = (email: string, method: Method, client?: HttpClient) => signInWith(ctx, email, method, client);
  const stepUp = (client: HttpClient, method: Method, then: string) => staleThenStepUp(ctx, client, method, then);

  /** Sets up `next` from a full session (step-up first). */
  async function change(client: HttpClient, current: Method, next: Method): Promise<void> {
    if (next.kind === "totp") {
      expect(await stepUp(client, current, "setup-app")).toBe("/two-factor/setup/app");
      const secret = keyFromSetupPage((await client.get("/two-factor/setup/app")).body);
      expect((await client.submit("/two-factor/setup/app", { code: totpCodeAt(secret, ctx.clock.nowMs()) }, "/two-factor/setup/app/verify")).location).toBe("/two-factor");
      next.secret = secret;
      return;
    }
    expect(await stepUp(client, current, "setup-sms")).toBe("/two-factor/setup/sms");
    expect((await client.submit("/two-factor/setup/sms", { phone: next.phone }, "/two-factor/setup/sms/send")).location).toBe("/two-factor/setup/sms/verify");
    expect((await client.submit("/two-factor/setup/sms/verify", { code: lastSmsCode(ctx, next.phone) })).location).toBe("/two-factor");
  }

  it("an abandoned app key replacement leaves the old key working and one active factor", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    expect((await client.submit("/two-factor", {}, "/two-factor/setup/app")).location).toBe("/two-factor/setup/app");
    expect(keyFromSetupPage((await client.get("/two-factor/setup/app")).body).equals(secret)).toBe(false);
    expect(await factorStates(ctx, user.id)).toEqual([["totp", "active"], ["totp", "pending"]]);
    expect((await (await signInWithAppCode(ctx, user.email, secret)).get("/")).status).toBe(200);
    ctx.clock.advance(11 * MINUTE_MS); // the set-up expires unfinished
    expect((await (await signInWithAppCode(ctx, user.email, secret)).get("/")).status).toBe(200);
    expect((await factorStates(ctx, user.id)).filter(([, status]) => status === "active")).toEqual([["totp", "active"]]);
  });

  it("an abandoned SMS phone change leaves the old number receiving codes and one active factor", async () => {
    const user = await ctx.createUser();
    await enrollSms(ctx, user.email, PHONE_A);
    const client = await signInWithSmsCode(ctx, user.email, PHONE_A);
    expect((await client.submit("/two-factor/setup/sms", { phone: PHONE_B }, "/two-factor/setup/sms/send")).location).toBe("/two-factor/setup/sms/verify");
    expect(ctx.outbox.latestTo(PHONE_B)).toBeDefined();
    ctx.clock.advance(11 * MINUTE_MS);
    const sentToB = ctx.outbox.list().filter((entry) => entry.to === PHONE_B).length;
    const later = await signInWithSmsCode(ctx, user.email, PHONE_A);
    expect((await later.get("/")).status).toBe(200);
    expect(ctx.outbox.list().filter((entry) => entry.to === PHONE_B)).toHaveLength(sentToB);
    expect((await factorStates(ctx, user.id)).filter(([, status]) => status === "active")).toEqual([["sms", "active"]]);
  });

  it("replacing the app key: the old key works until the new one is verified, then never again", async () => {
    const user = await ctx.createUser();
    const oldKey = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, oldKey);
    const current: Method = { kind: "totp", secret: oldKey };
    expect(await stepUp(client, current, "setup-app")).toBe("/two-factor/setup/app");
    const meanwhile = await signInWithAppCode(ctx, user.email, oldKey); // still the old key
    const newKey = keyFromSetupPage((await client.get("/two-factor/setup/app")).body);
    expect((await client.submit("/two-factor/setup/app", { code: totpCodeAt(newKey, ctx.clock.nowMs()) }, "/two-factor/setup/app/verify")).location).toBe("/two-factor");
    expect((await client.get("/two-factor")).body).toContain(MESSAGES.appReplaced);
    expect((await meanwhile.get("/")).location).toBe("/login");
    expect(await factorStates(ctx, user.id)).toEqual([["totp", "active"]]);

    ctx.clock.advance(30_000);
    const attempt = await ctx.signInWithPassword(user.email);
    const refused = await submitSignInCode(attempt, totpCodeAt(oldKey, ctx.clock.nowMs()));
    expect(refused.status).toBe(400);
    expect((await submitSignInCode(attempt, totpCodeAt(newKey, ctx.clock.nowMs()))).location).toBe("/");
  });

  it("changing the SMS phone: the code goes to the new number; the old one gets sign-in codes until it is verified", async () => {
    const user = await ctx.createUser();
    await enrollSms(ctx, user.email, PHONE_A);
    const client = await signInWithSmsCode(ctx, user.email, PHONE_A);
    const toA = () => ctx.outbox.list().filter((entry) => entry.to === PHONE_A).length;
    const toB = () => ctx.outbox.list().filter((entry) => entry.to === PHONE_B).length;
    expect((await client.submit("/two-factor/setup/sms", { phone: "+44 7400 111122" }, "/two-factor/setup/sms/send")).location).toBe("/two-factor/setup/sms/verify");
    expect(toB()).toBe(1);
    const meanwhile = await signInWithSmsCode(ctx, user.email, PHONE_A);
    expect(toB()).toBe(1);
    expect((await client.submit("/two-factor/setup/sms/verify", { code: lastSmsCode(ctx, PHONE_B) })).location).toBe("/two-factor");
    expect((await client.get("/two-factor")).body).toContain(MESSAGES.phoneChanged);
    expect((await meanwhile.get("/")).location).toBe("/login");
    const sentToA = toA();
    await signInWithSmsCode(ctx, user.email, PHONE_B);
    expect(toA()).toBe(sentToA);
    expect(await factorStates(ctx, user.id)).toEqual([["sms", "active"]]);
  });

  it("app → SMS → app → SMS, with a phone change and a key replacement: one active factor, others signed out, audited without secrets", async () => {
    const user = await ctx.createUser();
    let current: Method = { kind: "totp", secret: await enrollApp(ctx, user.email) };
    const client = await signIn(user.email, current, clientWithUserAgent(ctx, UA));
    const newKey = (): Method => ({ kind: "totp", secret: Buffer.alloc(0) }); // filled in by change()
    const steps: [Method, string][] = [
      [{ kind: "sms", phone: PHONE_A }, MESSAGES.switchedToSms],
      [{ kind: "sms", phone: PHONE_B }, MESSAGES.phoneChanged],
      [newKey(), MESSAGES.switchedToApp],
      [newKey(), MESSAGES.appReplaced],
      [{ kind: "sms", phone: PHONE_A }, MESSAGES.switchedToSms],
    ];
    for (const [next, message] of steps) {
      const other = await signIn(user.email, current);
      await change(client, current, next);
      expect(await factorStates(ctx, user.id)).toEqual([[next.kind, "active"]]);
      expect((await other.get("/")).location).toBe("/login");
      const manage = await client.get("/two-factor");
      expect(manage.status).toBe(200);
      expect(manage.body).toContain(message);
      current = next;
    }
    const events = await auditEventsOf(ctx, user.id);
    const changes = events.filter((event) => ["two_factor.switched", "two_factor.key_replaced", "two_factor.phone_changed"].includes(event.type));
    expect(changes.map((event) => event.type)).toEqual(["two_factor.switched", "two_factor.phone_changed", "two_factor.switched", "two_factor.key_replaced", "two_factor.switched"]);
    for (const event of changes) expect(event).toMatchObject({ actor_user_id: user.id, ip: "127.0.0.1", user_agent: UA });
    expect(JSON.parse(changes[0]!.detail!)).toEqual({ method: "sms", previous_method: "totp" });
    // No code (six digits) and no phone number: at most the last two digits of one.
    for (const event of events) expect(event.detail ?? "", `${event.type} detail`).not.toMatch(/\d{3}/);
    expect((await client.get("/")).status).toBe(200);
  });

  it.each(["totp", "sms"] as const)("a session pending its second factor (%s user) is refused every manage URL, and nothing changes", async (kind) => {
    const user = await ctx.createUser();
    const method: Method = kind === "totp" ? { kind, secret: await enrollApp(ctx, user.email) } : { kind, phone: PHONE_A };
    if (kind === "sms") await enrollSms(ctx, user.email, PHONE_A);
    ctx.clock.advance(30_000);
    const pending = await ctx.signInWithPassword(user.email);
    const csrf = csrfTokenOf((await pending.get("/two-factor/verify")).body);
    const code = method.kind === "totp" ? totpCodeAt(method.secret, ctx.clock.nowMs()) : lastSmsCode(ctx, PHONE_A);
    const db = ctx.testDb.database.db;
    const snapshot = async () => ({
      factors: await db.selectFrom("second_factors").selectAll().orderBy("id").execute(),
      users: await db.selectFrom("users").selectAll().execute(),
      sessions: await db.selectFrom("sessions").selectAll().orderBy("id").execute(),
      challenges: await db.selectFrom("sms_challenges").selectAll().orderBy("id").execute(),
      audit: await db.selectFrom("audit_events").select("id").orderBy("id").execute(),
      sent: ctx.outbox.list().length,
    });
    const before = await snapshot();
    for (const path of PENDING_PROBES) {
      for (const verb of ["GET", "POST"]) {
        const response = verb === "GET" ? await pending.get(path) : await pending.postForm(path, { _csrf: csrf, phone: FALLBACK, code });
        expect(response.status, `${verb} ${path}`).toBe(303);
        expect(["/two-factor/verify", "/login"], `${verb} ${path} → ${response.location}`).toContain(response.location);
      }
    }
    expect(await snapshot()).toEqual(before);
    // Still pending, and the code is still unspent: the sign-in itself goes on.
    expect((await pending.get("/two-factor/verify")).status).toBe(200);
    expect((await submitSignInCode(pending, code)).location).toBe("/");
  });

  it("a fallback phone equal to the active SMS number is refused with a message, and nothing is sent", async () => {
    const user = await ctx.createUser();
    await enrollSms(ctx, user.email, PHONE_A);
    const client = await signInWithSmsCode(ctx, user.email, PHONE_A);
    const sent = ctx.outbox.list().length;
    const refused = await client.submit("/two-factor/fallback", { phone: "+44 7400 123456" }, "/two-factor/fallback/send");
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(MESSAGES.fallbackSameAsPrimary.replace(/'/g, "&#39;"));
    expect(refused.body).toContain('aria-invalid="true"');
    expect(ctx.outbox.list().length).toBe(sent);
    expect(await storedFallback(ctx, user.id)).toBeNull();
  });

  it("a wrong or expired (10 min) fallback code is refused and nothing is saved", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    expect((await client.submit("/two-factor/fallback", { phone: FALLBACK }, "/two-factor/fallback/send")).location).toBe("/two-factor/fallback/verify");
    const code = lastSmsCode(ctx, FALLBACK);
    const wrong = await client.submit("/two-factor/fallback/verify", { code: otherCode(code) });
    expect(wrong.status).toBe(400);
    expect(wrong.body).toContain(MESSAGES.codeWrong);
    ctx.clock.advance(10 * MINUTE_MS);
    const expired = await client.submit("/two-factor/fallback/verify", { code });
    expect(expired.status).toBe(400);
    expect(expired.body).toContain(MESSAGES.setupExpired);
    expect(await storedFallback(ctx, user.id)).toBeNull();
    expect((await auditEventsOf(ctx, user.id)).filter((event) => event.type.startsWith("fallback."))).toEqual([]);

    // A new code (after a step-up) is good until just before its 10 minutes are up.
    expect(await stepUp(client, { kind: "totp", secret }, "fallback")).toBe("/two-factor/fallback");
    expect((await client.submit("/two-factor/fallback", { phone: FALLBACK }, "/two-factor/fallback/send")).location).toBe("/two-factor/fallback/verify");
    ctx.clock.advance(10 * MINUTE_MS - 1_000);
    expect((await client.submit("/two-factor/fallback/verify", { code: lastSmsCode(ctx, FALLBACK) })).location).toBe("/two-factor");
    expect(await storedFallback(ctx, user.id)).toBe(FALLBACK);
  });

  it("adding, changing and removing the fallback phone is audited and signs the other sessions out", async () => {
    const user = await ctx.createUser();
    const method: Method = { kind: "totp", secret: await enrollApp(ctx, user.email) };
    const client = await signIn(user.email, method, clientWithUserAgent(ctx, UA));
    const expectOthersSignedOut = async (other: HttpClient) => {
      expect((await other.get("/")).location).toBe("/login");
      expect((await client.get("/")).status).toBe(200);
    };
    for (const [phone, message] of [[FALLBACK, MESSAGES.fallbackAdded], [FALLBACK_2, MESSAGES.fallbackChanged]] as const) {
      const other = await signIn(user.email, method);
      expect(await stepUp(client, method, "fallback")).toBe("/two-factor/fallback");
      expect((await client.submit("/two-factor/fallback", { phone }, "/two-factor/fallback/send")).location).toBe("/two-factor/fallback/verify");
      expect((await client.submit("/two-factor/fallback/verify", { code: lastSmsCode(ctx, phone) })).location).toBe("/two-factor");
      expect(await storedFallback(ctx, user.id)).toBe(phone);
      expect((await client.get("/two-factor")).body).toContain(message);
      await expectOthersSignedOut(other);
    }
    const other = await signIn(user.email, method);
    expect(await stepUp(client, method, "manage")).toBe("/two-factor");
    expect((await client.submit("/two-factor", {}, "/two-factor/fallback/remove")).location).toBe("/two-factor");
    expect(await storedFallback(ctx, user.id)).toBeNull();
    expect((await client.get("/two-factor")).body).toContain(MESSAGES.fallbackRemoved);
    await expectOthersSignedOut(other);

    const events = (await auditEventsOf(ctx, user.id)).filter((event) => event.type.startsWith("fallback."));
    expect(events.map((event) => [event.type, JSON.parse(event.detail!)])).toEqual([
      ["fallback.added", { phone_last_two: "21" }],
      ["fallback.changed", { phone_last_two: "44" }],
      ["fallback.removed", { phone_last_two: null }],
    ]);
    for (const event of events) expect(event).toMatchObject({ actor_user_id: user.id, ip: "127.0.0.1", user_agent: UA });
  });
});
