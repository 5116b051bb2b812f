import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HashQueue } from "../../src/auth/hash-queue.ts";
import { replaceArgon2Queue } from "../../src/auth/password.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf } from "../support/http-client.ts";
import { metricValue, scrape } from "../support/metrics-text.ts";
import { REMEMBER_COOKIE, signInRemembering } from "../support/remembered-browsers.ts";
import { enrollApp } from "../support/two-factor.ts";

/** Three computations (one running, two waiting) that finish when the test says: with one slot and 1 s each, a sign-in would wait 3 s. */
function blockArgon2(ctx: TestContext) {
  const queue = new HashQueue({ slots: 1, initialHashMs: 1000, now: () => ctx.clock.nowMs() });
  const previous = replaceArgon2Queue(queue);
  const finishers: (() => void)[] = [];
  const blockers = ["203.0.113.1", "203.0.113.2", "203.0.113.3"].map((flow) => queue.run(flow, () => new Promise<void>((resolve) => finishers.push(resolve))));
  let finished = 0;
  return {
    queue,
    /** Finishes the next blocker once it has started (a computation served before it may still be running). */
    async finishNext() {
      while (finishers.length === 0) await new Promise((resolve) => setImmediate(resolve));
      finishers.shift()!();
      await blockers[finished++];
    },
    async drain() {
      while (finished < blockers.length) await this.finishNext();
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

  it("a browser the account asked to remember is not shed by a flood of strangers: it waits in the known lane, served before them", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const other = await ctx.createUser({ email: "bob@example.com" }); // before argon2id is blocked: creating hashes too
    const secret = await enrollApp(ctx, user.email);
    const remembered = ctx.client();
    await signInRemembering(ctx, remembered, user.email, secret);
    await remembered.postForm("/logout", { _csrf: csrfTokenOf((await remembered.get("/")).body) });
    argon2 = blockArgon2(ctx);

    // A stranger, a forged cookie and another account's remembered browser all wait behind the flood (3 s): shed.
    expect((await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(503);
    const forged = ctx.client();
    forged.setCookie(REMEMBER_COOKIE, `${"0".repeat(32)}.${"A".repeat(43)}`);
    expect((await forged.submit("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(503);
    expect((await remembered.submit("/login", { email: other.email, password: TEST_PASSWORD })).status).toBe(503);

    // Ann's own browser is admitted (1 s: the running computation only) and runs before the two waiting.
    const known = remembered.submit("/login", { email: user.email, password: TEST_PASSWORD });
    // Its place is held from admission; its computation joins the known lane once the account is read.
    const queued = () => argon2.queue.load().knownWaiting === 1 && argon2.queue.load().reserved === 0;
    while (!queued()) await new Promise((resolve) => setImmediate(resolve));
    await argon2.finishNext();
    const answer = await known;
    expect(answer.status).toBe(303);
    expect(answer.location).toBe("/");
    await argon2.drain();
  });
});

