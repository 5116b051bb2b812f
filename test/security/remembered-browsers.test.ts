import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createOneTimeLink } from "../../src/auth/one-time-link.ts";
import { resetTwoFactor } from "../../src/auth/two-factor-reset.ts";
import { changePassword } from "../../src/features/account/account.service.ts";
import { completePasswordReset, findResetLink } from "../../src/features/password-reset/password-reset.service.ts";
import { setUserDisabled } from "../../src/features/support-console/user-admin.service.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import type { HttpClient } from "../support/http-client.ts";
import { passwordOnly, REMEMBER_COOKIE, rememberedCount, signInRemembering } from "../support/remembered-browsers.ts";
import { enrollApp, keyFromSetupPage, submitAppSetupCode, totpCodeAt } from "../support/two-factor.ts";

const NEW_PASSWORD = "a different long passphrase 42";
const META = { ip: null, userAgent: null };

describe.each(TEST_DIALECTS)("remembered browsers (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  async function remembered(): Promise<{ user: Awaited<ReturnType<TestContext["createUser"]>>; secret: Buffer; client: HttpClient }> {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = ctx.client();
    expect((await signInRemembering(ctx, client, user.email, secret)).location).toBe("/");
    expect(await rememberedCount(ctx, user.id)).toBe(1);
    return { user, secret, client };
  }

  it("a remembered-browser cookie of another user does not skip the second factor", async () => {
    const { client } = await remembered();
    const other = await ctx.createUser();
    await enrollApp(ctx, other.email);
    expect(await passwordOnly(client, other.email)).toBe("/two-factor");
  });

  it("a remembered-browser cookie with a changed secret, or copied onto another user's row id, is refused", async () => {
    const { user, client } = await remembered();
    const [id, secret] = client.cookie(REMEMBER_COOKIE)!.split(".");
    const tampered = `${secret!.slice(0, -1)}${secret!.endsWith("A") ? "B" : "A"}`;
    client.setCookie(REMEMBER_COOKIE, `${id}.${tampered}`);
    expect(await passwordOnly(client, user.email)).toBe("/two-factor");
    client.setCookie(REMEMBER_COOKIE, `${"0".repeat(32)}.${secret}`);
    expect(await passwordOnly(client, user.email)).toBe("/two-factor");
  });

  it("a remembered-browser cookie stops working after a password change", async () => {
    const { user, secret, client } = await remembered();
    ctx.clock.advance(30_000);
    const signedIn = await ctx.signInWithPassword(user.email);
    await signedIn.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) });
    const changed = await signedIn.submit("/account/password", { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(changed.status).toBe(303);
    expect(await rememberedCount(ctx, user.id)).toBe(0);
    const home = await client.get("/");
    expect(home.status).toBe(303);
    expect((await client.submit("/login", { email: user.email, password: NEW_PASSWORD })).location).toBe("/two-factor");
  });

  it("a factor change forgets every remembered browser of the user", async () => {
    const { user, secret, client } = await remembered();
    ctx.clock.advance(30_000);
    const signedIn = await ctx.signInWithPassword(user.email);
    await signedIn.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) });
    expect((await signedIn.submit("/two-factor", {}, "/two-factor/setup/app")).location).toBe("/two-factor/setup/app");
    const fresh = keyFromSetupPage((await signedIn.get("/two-factor/setup/app")).body);
    expect((await submitAppSetupCode(signedIn, totpCodeAt(fresh, ctx.clock.nowMs()))).location).toBe("/two-factor");
    expect(await rememberedCount(ctx, user.id)).toBe(0);
    expect(await passwordOnly(client, user.email)).toBe("/two-factor");
  });

  it("a self-service reset, a support reset, a password reset and disabling the account each forget every browser", async () => {
    const db = ctx.testDb.database.db;
    const changes: ((userId: string) => Promise<unknown>)[] = [
      (userId) => resetTwoFactor(db, ctx.deps, { userId, actor: { kind: "self" }, keepSessionId: null, meta: META }),
      (userId) => resetTwoFactor(db, ctx.deps, { userId, actor: { kind: "support", agentId: userId, identityCheck: "video_call", reason: "lost phone in a lake" }, keepSessionId: null, meta: META }),
      (userId) => changePassword(db, ctx.deps, { userId, sessionId: "none", passwordHash: "x", meta: META }),
      async (userId) => {
        const token = await createOneTimeLink(db, ctx.deps, "password_reset", userId, 60_000);
        const link = (await findResetLink(db, ctx.clock, token))!;
        await db.updateTable("one_time_links").set({ session_id: "s" }).where("id", "=", link.id).execute();
        expect(await completePasswordReset(db, ctx.deps, { link, sessionId: "s", factorRequired: false, passwordHash: "x", meta: META })).toBe(true);
      },
      async (userId) => {
        const admin = await ctx.createUser({ role: "admin" });
        expect(await setUserDisabled(db, ctx.deps, { agentId: admin.id, userId, disabled: true, meta: META })).toBe("changed");
      },
    ];
    for (const change of changes) {
      const { user } = await remembered();
      await change(user.id);
      expect(await rememberedCount(ctx, user.id)).toBe(0);
    }
  });
});
