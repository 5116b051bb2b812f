import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HashQueue } from "../../src/auth/hash-queue.ts";
import { replaceArgon2Queue } from "../../src/auth/password.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { metricValue, scrape } from "../support/metrics-text.ts";

/** Three computations (one running, two waiting) that finish when the test says: with one slot and 1 s each, a sign-in would wait 3 s. */
function blockArgon2(ctx: TestContext) {
  const queue = new HashQueue({ slots: 1, initialHashMs: 1000, now: () => ctx.clock.nowMs() });
  const previous = replaceArgon2Queue(queue);
  const finishers: (() => void)[] = [];
  const blockers = ["203.0.113.1", "203.0.113.2", "203.0.113.3"].map((flow) => queue.run(flow, () => new Promise<void>((resolve) => finishers.push(resolve))));
  return {
    async drain() {
      for (const blocker of blockers) {
        finishers.shift()!();
        await blocker;
      }
    },
    restore: () => replaceArgon2Queue(previous),
  };
}

describe.each(TEST_DIALECTS)("sign-in under a storm (%s)", (dialect) => {
  let ctx: TestContext;
  let argon2: ReturnType<typeof blockArgon2>;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => {
    argon2?.restore();
    await ctx.close();
  });

  const db = () => ctx.testDb.database.db;
  const rows = async () => ({
    throttle: (await db().selectFrom("throttle_hits").selectAll().execute()).length,
    audit: (await db().selectFrom("audit_events").selectAll().execute()).length,
    sessions: (await db().selectFrom("sessions").selectAll().execute()).length,
  });

  it("a sign-in that would wait more than 2 s gets 503, Retry-After and 'Too many sign-ins right now' at once, keeping the email", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    argon2 = blockArgon2(ctx);
    const response = await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("3");
    expect(response.body).toContain("<h1>Too many sign-ins right now</h1>");
    expect(response.body).toContain("<title>Error: Too many sign-ins right now");
    expect(response.body).toContain("Try again in 3 seconds.");
    expect(response.body).toMatch(/name="email"[^>]*value="ann@example.com"/);
    expect(response.body).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
    const samples = await scrape(ctx.client());
    expect(metricValue(samples, "gatehouse_sign_in_password_total", { outcome: "shed" })).toBe(1);
    expect(metricValue(samples, "gatehouse_password_hashes", { state: "running" })).toBe(1);
    expect(metricValue(samples, "gatehouse_password_hashes", { state: "waiting" })).toBe(2);
    expect(metricValue(samples, "gatehouse_password_hash_seconds")).toBe(1);
  });

  it("shed sign-ins count as no failure: they leave no failure count, throttle, audit or session rows, and lock nothing", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const before = await rows();
    argon2 = blockArgon2(ctx);
    // More wrong passwords than the lockout allows (10).
    for (let i = 0; i < 12; i++) {
      const shed = await ctx.client().submit("/login", { email: user.email, password: `wrong password ${i}` });
      expect(shed.status).toBe(503);
    }
    expect(await rows()).toEqual(before);
    await argon2.drain();
    const signedIn = await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe("/two-factor");
    const samples = await scrape(ctx.client());
    expect(metricValue(samples, "gatehouse_sign_in_password_total", { outcome: "shed" })).toBe(12);
    expect(metricValue(samples, "gatehouse_sign_in_password_total", { outcome: "failure" })).toBe(0);
  });

  it("signed-in users' pages, which do not hash, are served while sign-ins are shed", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const signedIn = await ctx.fullSessionClient(user);
    argon2 = blockArgon2(ctx);
    expect((await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(503);
    expect((await signedIn.get("/")).status).toBe(200);
    expect((await ctx.client().get("/login")).status).toBe(200);
  });
});
