import { afterEach, describe, expect, it } from "vitest";
import { REMEMBERED_BROWSER_MESSAGES } from "../../src/features/remembered-browsers/remembered-browsers.messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf } from "../support/http-client.ts";
import { createCodes } from "../support/recovery-codes.ts";
import { passwordOnly, REMEMBER_COOKIE, rememberedCount, signInRemembering } from "../support/remembered-browsers.ts";
import { enrollApp, signInWithAppCode } from "../support/two-factor.ts";

const DAY_MS = 24 * 60 * 60_000;

describe.each(TEST_DIALECTS)("remember this browser (%s)", (dialect) => {
  let ctx: TestContext;
  afterEach(async () => ctx?.close());

  async function setUp(env: Record<string, string> = {}) {
    ctx = await createTestContext(dialect, { env });
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    return { user, secret };
  }

  it("the checkbox is there, unchecked; checked, the browser gets an HttpOnly, SameSite=Lax cookie for 30 days", async () => {
    const { user, secret } = await setUp();
    const client = ctx.client();
    await client.submit("/login", { email: user.email, password: "correct horse battery staple" });
    const page = (await client.get("/two-factor/verify")).body;
    expect(page).toContain('<input type="checkbox" id="field-remember" name="remember" value="on"');
    expect(page).toContain("Remember this browser for 30 days");
    await client.submit("/login", {}, "/logout");
    const done = await signInRemembering(ctx, client, user.email, secret);
    expect(done.location).toBe("/");
    const setCookie = done.headers.getSetCookie().find((line) => line.startsWith(`${REMEMBER_COOKIE}=`))!;
    expect(setCookie).toMatch(/^gatehouse_remember=[0-9a-f]{32}\.[A-Za-z0-9_-]{43};/);
    expect(setCookie).toMatch(/Max-Age=2592000/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    const stored = await ctx.testDb.database.db.selectFrom("remembered_browsers").selectAll().where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(stored.secret_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(setCookie).not.toContain(stored.secret_hash);
  });

  it("from the remembered browser the password alone signs in, recorded as remembered; another browser still needs the code", async () => {
    const { user, secret } = await setUp();
    const client = ctx.client();
    await signInRemembering(ctx, client, user.email, secret);
    expect(await passwordOnly(client, user.email)).toBe("/");
    expect((await client.get("/")).status).toBe(200);
    const methods = await ctx.testDb.database.db.selectFrom("sessions").select(["second_factor_method", "second_factor_at"]).where("user_id", "=", user.id).execute();
    expect(methods).toContainEqual({ second_factor_method: "remembered", second_factor_at: null });
    // A remembered browser is no fresh proof: changing factors still asks for a code.
    expect((await client.submit("/two-factor", {}, "/two-factor/recovery-codes")).location).toBe("/two-factor/step-up?then=recovery-codes");
    expect(await passwordOnly(ctx.client(), user.email)).toBe("/two-factor");
  });

  it("not checked, nothing is remembered", async () => {
    const { user, secret } = await setUp();
    const client = await signInWithAppCode(ctx, user.email, secret);
    expect(client.cookie(REMEMBER_COOKIE)).toBeUndefined();
    expect(await rememberedCount(ctx, user.id)).toBe(0);
  });

  it("a recovery code can remember the browser too", async () => {
    const { user, secret } = await setUp();
    const codes = await createCodes(await signInWithAppCode(ctx, user.email, secret));
    const client = await ctx.signInWithPassword(user.email);
    expect((await client.submit("/two-factor/recovery", { recovery_code: codes[0]!, remember: "on" })).location).toBe("/");
    expect(await passwordOnly(client, user.email)).toBe("/");
  });

  it("the trust ends after 30 days", async () => {
    const { user, secret } = await setUp();
    const client = ctx.client();
    await signInRemembering(ctx, client, user.email, secret);
    ctx.clock.advance(30 * DAY_MS);
    expect(await passwordOnly(client, user.email)).toBe("/two-factor");
  });

  it("Sessions lists remembered browsers; Forget ends the trust; another user's id is a 404", async () => {
    const { user, secret } = await setUp();
    const client = ctx.client();
    await signInRemembering(ctx, client, user.email, secret);
    const page = (await client.get("/account/sessions")).body;
    expect(page).toContain("<h2 id=\"remembered-heading\">Remembered browsers</h2>");
    const id = /action="\/account\/remembered-browsers\/([0-9a-f]{32})\/forget"/.exec(page)![1]!;
    const other = await ctx.createUser();
    const otherClient = await ctx.fullSessionClient(other);
    const token = csrfTokenOf((await otherClient.get("/account/sessions")).body);
    expect((await otherClient.postForm(`/account/remembered-browsers/${id}/forget`, { _csrf: token })).status).toBe(404);
    const forgot = await client.postForm(`/account/remembered-browsers/${id}/forget`, { _csrf: csrfTokenOf(page) });
    expect(forgot.location).toBe("/account/sessions");
    expect((await client.get("/account/sessions")).body).toContain(REMEMBERED_BROWSER_MESSAGES.forgotten);
    expect(await passwordOnly(client, user.email)).toBe("/two-factor");
  });

  it("REMEMBER_BROWSER_DAYS=0 removes the checkbox, and a posted one is ignored", async () => {
    const { user, secret } = await setUp({ REMEMBER_BROWSER_DAYS: "0" });
    const client = ctx.client();
    await client.submit("/login", { email: user.email, password: "correct horse battery staple" });
    expect((await client.get("/two-factor/verify")).body).not.toContain("Remember this browser");
    await client.submit("/login", {}, "/logout");
    expect((await signInRemembering(ctx, client, user.email, secret)).location).toBe("/");
    expect(await rememberedCount(ctx, user.id)).toBe(0);
  });

  it("REMEMBER_BROWSER_DAYS=7 says 7 days", async () => {
    const { user } = await setUp({ REMEMBER_BROWSER_DAYS: "7" });
    const client = await ctx.signInWithPassword(user.email);
    expect((await client.get("/two-factor/verify")).body).toContain("Remember this browser for 7 days");
  });
});
