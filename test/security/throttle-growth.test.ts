import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LOGIN_IP_FAILURES } from "../../src/auth/lockout.ts";
import { pruneExpiredHits } from "../../src/auth/throttle.ts";
import { FORGOT_PER_IP } from "../../src/features/password-reset/password-reset.service.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { csrfTokenOf } from "../support/http-client.ts";

describe.each(TEST_DIALECTS)("what one anonymous address can make the database store (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect, { env: { TRUST_PROXY: "127.0.0.1" } });
  });
  afterEach(async () => ctx.close());

  const db = () => ctx.testDb.database.db;
  const countRows = async (pattern: string) => Number((await db().selectFrom("throttle_hits").select((eb) => eb.fn.countAll<number | string>().as("n")).where("key", "like", pattern).executeTakeFirstOrThrow()).n);
  const countAudit = async () => Number((await db().selectFrom("audit_events").select((eb) => eb.fn.countAll<number | string>().as("n")).executeTakeFirstOrThrow()).n);

  it("a flood of 'Forgot password?' from one address stops writing once over its limit", async () => {
    const client = ctx.client();
    const token = csrfTokenOf((await client.get("/forgot-password")).body);
    for (let i = 0; i < FORGOT_PER_IP.limit * 3; i += 1) {
      await client.postForm("/forgot-password", { _csrf: token, email: `someone${i}@example.com` }, { "x-forwarded-for": "203.0.113.5" });
    }
    expect(await countRows("forgot:ip:%")).toBe(FORGOT_PER_IP.limit);
    expect(await countRows("forgot:email:%")).toBe(FORGOT_PER_IP.limit);
  });

  it("a flood of failed sign-ins from one address stores at most its limit of rows and audit events", async () => {
    const client = ctx.client();
    const token = csrfTokenOf((await client.get("/login")).body);
    const auditBefore = await countAudit();
    for (let i = 0; i < LOGIN_IP_FAILURES.limit + 10; i += 1) {
      await client.postForm("/login", { _csrf: token, email: `nobody${i}@example.com`, password: "wrong" }, { "x-forwarded-for": "203.0.113.6" });
    }
    expect(await countRows("login-ip:%")).toBe(LOGIN_IP_FAILURES.limit);
    expect(await countRows("pw-%")).toBe(0);
    expect((await countAudit()) - auditBefore).toBe(LOGIN_IP_FAILURES.limit);
  }, 120_000); // 50 argon2 checks: slow on a loaded machine

  it("expired throttle rows of keys never hit again are pruned on a schedule, idempotently, and streaks are kept", async () => {
    const client = ctx.client();
    const token = csrfTokenOf((await client.get("/login")).body);
    for (let i = 0; i < 30; i += 1) await client.postForm("/login", { _csrf: token, email: `nobody${i}@example.com`, password: "wrong" }, { "x-forwarded-for": `198.51.100.${i}` });
    await db().insertInto("throttle_hits").values({ id: "streak-row", key: "pw-streak:someone", at: ctx.clock.nowMs() }).execute();
    expect(await countRows("login-ip:%")).toBe(30);

    ctx.clock.advance(60 * MINUTE_MS);
    await pruneExpiredHits(db(), ctx.clock);
    expect(await countRows("login-ip:%")).toBe(30); // a day's window (SMS per account) is the longest kept

    ctx.clock.advance(24 * 60 * MINUTE_MS);
    await Promise.all([pruneExpiredHits(db(), ctx.clock), pruneExpiredHits(db(), ctx.clock)]); // two instances at once
    await pruneExpiredHits(db(), ctx.clock);
    expect(await countRows("login-ip:%")).toBe(0);
    expect(await countRows("pw-streak:%")).toBe(1);
  });
});
