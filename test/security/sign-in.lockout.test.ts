import { describe, expect, it } from "vitest";
import { clearPasswordFailures, LOGIN_IP_FAILURES, PASSWORD_FAILURES, PASSWORD_STREAK_MAX, SECOND_FACTOR_FAILURES } from "../../src/auth/lockout.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf } from "../support/http-client.ts";
import { enrollApp, submitSignInCode, totpCodeAt, wrongTotpCode } from "../support/two-factor.ts";
import { firstErrorOf } from "../support/page-errors.ts";

describe.each(TEST_DIALECTS)("lockouts count failures, atomically, across sessions (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const login = (email: string, password: string) => ctx.client().submit("/login", { email, password });
  const lockMails = async (email: string) => {
    await ctx.flushMail();
    return ctx.outbox.list().filter((m) => m.to === email && m.body.includes("paused for 15 minutes")).length;
  };

  it("ten wrong passwords in fifteen minutes lock the password step for fifteen minutes, say nothing different, and e-mail the owner", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    for (let i = 0; i < PASSWORD_FAILURES.limit; i += 1) expect((await login(user.email, `wrong guess ${i}`)).status).toBe(401);
    const locked = await login(user.email, TEST_PASSWORD);
    const wrong = await login(user.email, "yet another guess");
    expect(locked.status).toBe(401);
    const alert = firstErrorOf;
    expect(alert(locked.body)).toBe(alert(wrong.body));
    expect(await lockMails(user.email)).toBe(1);
    ctx.clock.advance(PASSWORD_FAILURES.lockMs);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(303);
  });

  it("thirty concurrent wrong passwords cannot slip past the lockout (CVE-2024-4629, CVE-2023-47111)", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const client = ctx.client();
    const csrf = csrfTokenOf((await client.get("/login")).body);
    await Promise.all(Array.from({ length: 30 }, (_, i) => client.postForm("/login", { _csrf: csrf, email: user.email, password: `guess number ${i}` })));
    const checkedSoFar = async () =>
      (await ctx.testDb.database.db.selectFrom("audit_events").select("detail").where("type", "=", "signin.password_failed").where("subject_user_id", "=", user.id).execute()).filter((e) =>
        e.detail?.includes("wrong_password"),
      ).length;
    // At most ten guesses were ever checked, however the burst interleaved...
    expect(await checkedSoFar()).toBeLessThanOrEqual(PASSWORD_FAILURES.limit);
    // ...and the account locks by the time ten have failed: guessing on, no eleventh is checked.
    for (let i = 0; i < PASSWORD_FAILURES.limit; i += 1) await login(user.email, `more guesses ${i}`);
    expect(await checkedSoFar()).toBeLessThanOrEqual(PASSWORD_FAILURES.limit);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
  });

  it("many successful sign-ins from one address are never blocked (an office behind one NAT)", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => ctx.createUser({ email: `staff${i}@example.com` })));
    for (let round = 0; round < LOGIN_IP_FAILURES.limit / users.length + 2; round += 1) {
      for (const user of users) expect((await login(user.email, TEST_PASSWORD)).status).toBe(303);
    }
  });

  it("a password spray across accounts from one address is refused after the per-address limit, saying when to retry", async () => {
    for (let i = 0; i < LOGIN_IP_FAILURES.limit; i += 1) expect((await login(`nobody${i}@example.com`, "Winter2026!")).status).toBe(401);
    const refused = await login("nobody-else@example.com", "Winter2026!");
    expect(refused.status).toBe(429);
    // The time as every page writes one: UTC named, in a <time> the browser shows in its own zone.
    expect(refused.body).toMatch(/Too many failed sign-ins from your network\. Try again after <time datetime="\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z">\d{4}-\d\d-\d\d \d\d:\d\d UTC<\/time>\./);
  });

  it("the lockout covers one-time codes too: ten wrong codes across sessions lock the second-factor step (CVE-2024-32868)", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(MINUTE_MS);
    for (let session = 0; session < 2; session += 1) {
      const client = await ctx.signInWithPassword(user.email);
      for (let i = 0; i < SECOND_FACTOR_FAILURES.limit / 2; i += 1) expect((await submitSignInCode(client, wrongTotpCode(secret, ctx.clock.nowMs()))).status).toBe(400);
    }
    const client = await ctx.signInWithPassword(user.email);
    const refused = await submitSignInCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(refused.status).toBe(429);
    expect(refused.body).toContain("two-factor sign-in is paused for 15 minutes");
    expect(await lockMails(user.email)).toBe(1);
    ctx.clock.advance(SECOND_FACTOR_FAILURES.lockMs + 30_000);
    const later = await ctx.signInWithPassword(user.email);
    expect((await submitSignInCode(later, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
  });

  it("twenty concurrent wrong codes from four sessions cannot slip past the second-factor lockout", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(MINUTE_MS);
    const clients = await Promise.all(Array.from({ length: 4 }, () => ctx.signInWithPassword(user.email)));
    const tokens = await Promise.all(clients.map(async (c) => csrfTokenOf((await c.get("/two-factor/verify")).body)));
    const wrong = wrongTotpCode(secret, ctx.clock.nowMs());
    const results = await Promise.all(clients.flatMap((c, i) => Array.from({ length: 5 }, () => c.postForm("/two-factor/verify", { _csrf: tokens[i]!, code: wrong }))));
    const judged = results.filter((r) => r.status === 400).length;
    expect(judged).toBeLessThanOrEqual(SECOND_FACTOR_FAILURES.limit);
    // However the burst interleaved, the step is locked by the time ten failures have been judged
    // (it may lock sooner: attempts refused in the burst were attempts too).
    let total = judged;
    while (total < SECOND_FACTOR_FAILURES.limit) {
      const status = (await submitSignInCode(await ctx.signInWithPassword(user.email), wrong)).status;
      if (status === 429) break;
      expect(status).toBe(400);
      total += 1;
    }
    const fresh = await ctx.signInWithPassword(user.email);
    expect((await submitSignInCode(fresh, totpCodeAt(secret, ctx.clock.nowMs()))).status).toBe(429);
    await ctx.flushMail();
    expect(ctx.outbox.list().filter((m) => m.to === user.email && m.body.includes("paused for 15 minutes"))).toHaveLength(1);
  });

  it("a successful sign-in leaves no failure records behind, and failures out of their window are forgotten at the next failure", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const hits = async () => (await ctx.testDb.database.db.selectFrom("throttle_hits").select("key").execute()).map((row) => row.key.replace(user.id, "<user>")).sort();
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(303);
    expect(await hits()).toEqual([]);
    for (let i = 0; i < 3; i += 1) expect((await login(user.email, `wrong guess ${i}`)).status).toBe(401);
    expect(await hits()).toEqual([...Array(3).fill("login-ip:127.0.0.1"), ...Array(3).fill("pw-fail:<user>"), ...Array(3).fill("pw-streak:<user>")].sort());
    ctx.clock.advance(PASSWORD_FAILURES.windowMs + 1);
    expect((await login(user.email, "one more wrong guess")).status).toBe(401);
    // The streak (consecutive failures, NIST SP 800-63B §5.2.2) is kept until a success; the windows are not.
    expect(await hits()).toEqual(["login-ip:127.0.0.1", "pw-fail:<user>", ...Array(4).fill("pw-streak:<user>")].sort());
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(303);
    expect(await hits()).toEqual(["login-ip:127.0.0.1", "pw-fail:<user>"]);
  });

  it("a hundred consecutive wrong passwords, however slowly, refuse the password until it is reset (NIST SP 800-63B §5.2.2)", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    for (let round = 0; round < PASSWORD_STREAK_MAX / PASSWORD_FAILURES.limit; round += 1) {
      for (let i = 0; i < PASSWORD_FAILURES.limit; i += 1) expect((await login(user.email, `wrong guess ${round}.${i}`)).status).toBe(401);
      ctx.clock.advance(PASSWORD_FAILURES.lockMs + 1);
    }
    const hits = await ctx.testDb.database.db.selectFrom("throttle_hits").select("key").where("key", "=", `pw-streak:${user.id}`).execute();
    expect(hits).toHaveLength(PASSWORD_STREAK_MAX);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    ctx.clock.advance(24 * 60 * MINUTE_MS);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    await clearPasswordFailures(ctx.testDb.database.db, user.id);
    expect((await login(user.email, TEST_PASSWORD)).status).toBe(303);
  });
});
