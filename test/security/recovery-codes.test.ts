import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RECOVERY_CODE_MESSAGES } from "../../src/features/recovery-codes/recovery-codes.messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { createCodes, signInWithRecoveryCode } from "../support/recovery-codes.ts";
import { auditEventsOf, enrollApp, signInWithAppCode } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("recovery codes (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  async function userWithCodes() {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const codes = await createCodes(await signInWithAppCode(ctx, user.email, secret));
    return { user, codes };
  }

  it("a recovery code used twice signs in only the first time", async () => {
    const { user, codes } = await userWithCodes();
    expect((await signInWithRecoveryCode(ctx, user.email, codes[0]!)).response.location).toBe("/");
    const second = await signInWithRecoveryCode(ctx, user.email, codes[0]!);
    expect(second.response.status).toBe(400);
    expect((await second.client.get("/")).location).toBe("/two-factor/verify");
  });

  it("one recovery code used by several sessions at once signs exactly one of them in", async () => {
    const { user, codes } = await userWithCodes();
    const clients = await Promise.all(Array.from({ length: 6 }, () => ctx.signInWithPassword(user.email)));
    const tokens = await Promise.all(clients.map(async (client) => csrfTokenOf((await client.get("/two-factor/recovery")).body)));
    const responses = await Promise.all(clients.map((client, i) => client.postForm("/two-factor/recovery", { _csrf: tokens[i]!, recovery_code: codes[5]! })));
    expect(responses.filter((r) => r.status === 303 && r.location === "/")).toHaveLength(1);
    expect(responses.filter((r) => r.status === 409 || r.status === 400)).toHaveLength(5);
    const used = (await auditEventsOf(ctx, user.id)).filter((event) => event.type === "recovery_code.used");
    expect(used).toHaveLength(1);
  });

  it("another user's recovery code does not sign in", async () => {
    const { codes } = await userWithCodes();
    const { user: other } = await userWithCodes();
    const attempt = await signInWithRecoveryCode(ctx, other.email, codes[1]!);
    expect(attempt.response.status).toBe(400);
    expect(attempt.response.body).toContain(RECOVERY_CODE_MESSAGES.wrong);
  });

  it("wrong recovery codes count towards the account's second-factor lockout", async () => {
    const { user, codes } = await userWithCodes();
    // 5 tries per session, 10 failures per account in 15 minutes: three sessions reach the lock.
    let client: HttpClient | null = null;
    for (let i = 0; i < 10; i++) {
      if (i % 5 === 0) client = await ctx.signInWithPassword(user.email);
      const response = await client!.submit("/two-factor/recovery", { recovery_code: "ZZZZZ-ZZZZZ" });
      expect(response.status).toBe(400);
    }
    const locked = await signInWithRecoveryCode(ctx, user.email, codes[2]!);
    expect(locked.response.status).toBe(429);
    expect(locked.response.body).toContain(RECOVERY_CODE_MESSAGES.locked);
  });

  it("a two-factor reset voids the recovery codes", async () => {
    const { user, codes } = await userWithCodes();
    const { resetTwoFactor } = await import("../../src/auth/two-factor-reset.ts");
    await resetTwoFactor(ctx.testDb.database.db, ctx.deps, { userId: user.id, actor: { kind: "cli", reason: "test" }, keepSessionId: null, meta: { ip: null, userAgent: null } });
    const rows = await ctx.testDb.database.db.selectFrom("recovery_codes").select("id").where("user_id", "=", user.id).execute();
    expect(rows).toEqual([]);
    const client = await ctx.signInWithPassword(user.email);
    const token = csrfTokenOf((await client.get("/two-factor/setup")).body);
    expect((await client.postForm("/two-factor/recovery", { _csrf: token, recovery_code: codes[0]! })).location).toBe("/two-factor/setup");
  });
});
