import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SECOND_FACTOR_FAILURES } from "../../src/auth/lockout.ts";
import { createSession } from "../../src/auth/session.ts";
import { resetTwoFactor } from "../../src/auth/two-factor-reset.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { enrollApp, submitSignInCode, totpCodeAt, wrongTotpCode } from "../support/two-factor.ts";

/** NIST SP 800-63B §5.2.2: at most 100 consecutive failed attempts on a single account. */
const STREAK_MAX = 100;
const PER_SESSION = 5;

describe.each(TEST_DIALECTS)("second-factor failures over time (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  /** A browser past the password step (made in the database: the argon2 check is not what is tested). */
  async function pendingClient(userId: string) {
    const { token } = await createSession(ctx.testDb.database.db, ctx.deps, userId, { stage: "pending", meta: { ip: "127.0.0.1", userAgent: "test" } });
    const client = ctx.client();
    client.setCookie(sessionCookieName(ctx.deps.config), token);
    return client;
  }

  it("100 consecutive wrong codes, spread under the 15-minute limit, lock the code step until a reset (even the right code), and the owner is e-mailed once", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    let wrong = 0;
    while (wrong < STREAK_MAX) {
      const client = await pendingClient(user.id);
      for (let i = 0; i < PER_SESSION && wrong < STREAK_MAX; i += 1, wrong += 1) {
        expect((await submitSignInCode(client, wrongTotpCode(secret, ctx.clock.nowMs()))).status).toBe(400);
      }
      // Stay under the account's 10-in-15-minutes limit: that lock alone never ends a streak.
      if (wrong % SECOND_FACTOR_FAILURES.limit === 0) ctx.clock.advance(SECOND_FACTOR_FAILURES.windowMs + MINUTE_MS);
    }
    ctx.clock.advance(24 * 60 * MINUTE_MS);
    const client = await ctx.signInWithPassword(user.email);
    const refused = await submitSignInCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(refused.status).not.toBe(303);
    expect(await client.get("/").then((r) => r.location)).not.toBe(null);

    await ctx.flushMail();
    const notices = ctx.outbox.list().filter((m) => m.channel === "mail" && m.to === user.email && /locked until/i.test(m.body));
    expect(notices).toHaveLength(1);

    // A support reset ends it: the user sets up a method again and signs in.
    await resetTwoFactor(ctx.testDb.database.db, ctx.deps, { userId: user.id, actor: { kind: "cli", reason: "locked after many wrong codes" }, keepSessionId: null, meta: { ip: null, userAgent: null } });
    const again = await ctx.signInWithPassword(user.email);
    expect((await again.get("/two-factor")).location).toBe("/two-factor/setup");
  }, 60_000);

  it("a right code ends the streak: 99 wrong, one right, 99 wrong again are not a lock", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const failMany = async (count: number) => {
      let wrong = 0;
      while (wrong < count) {
        const client = await pendingClient(user.id);
        for (let i = 0; i < PER_SESSION && wrong < count; i += 1, wrong += 1) await submitSignInCode(client, wrongTotpCode(secret, ctx.clock.nowMs()));
        if (wrong % SECOND_FACTOR_FAILURES.limit === 0) ctx.clock.advance(SECOND_FACTOR_FAILURES.windowMs + MINUTE_MS);
      }
      ctx.clock.advance(SECOND_FACTOR_FAILURES.windowMs + MINUTE_MS);
    };
    await failMany(STREAK_MAX - 1);
    expect((await submitSignInCode(await ctx.signInWithPassword(user.email), totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
    await failMany(STREAK_MAX - 1);
    ctx.clock.advance(MINUTE_MS);
    expect((await submitSignInCode(await ctx.signInWithPassword(user.email), totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
  }, 60_000);
});
