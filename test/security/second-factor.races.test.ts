import { describe, expect, it } from "vitest";
import { MESSAGES } from "../support/messages.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf, type HttpClient, type Response2 } from "../support/http-client.ts";
import { enrollApp, lastSmsCode, sendSmsSetupCode, startAppSetup, totpCodeAt } from "../support/two-factor.ts";

const STEP_MS = 30_000;
const CONCURRENT_REQUESTS = 20;

describe.each(TEST_DIALECTS)("two-factor races and cross-account codes (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const db = () => ctx.testDb.database.db;
  const fullSessionIds = async (userId: string) =>
    (await db().selectFrom("sessions").select("id").where("user_id", "=", userId).where("stage", "=", "full").execute()).map((row) => row.id);
  const activeFactors = (userId: string) => db().selectFrom("second_factors").selectAll().where("user_id", "=", userId).where("status", "=", "active").execute();

  /** The same form, with one pending cookie and one CSRF token, posted `count` times at once. */
  async function postConcurrently(client: HttpClient, pagePath: string, action: string, fields: Record<string, string>, count = CONCURRENT_REQUESTS): Promise<Response2[]> {
    const csrf = csrfTokenOf((await client.get(pagePath)).body);
    return Promise.all(Array.from({ length: count }, () => client.postForm(action, { _csrf: csrf, ...fields })));
  }

  function expectExactlyOneWinner(responses: Response2[]): void {
    expect(responses.filter((response) => response.status === 303 && response.location === "/")).toHaveLength(1);
    expect(responses.filter((response) => response.status >= 500).map((response) => response.status)).toEqual([]);
  }

  it("twenty concurrent submissions of one valid app code give exactly one full session", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(STEP_MS);
    const client = await ctx.signInWithPassword(user.email);
    expect(await fullSessionIds(user.id)).toHaveLength(0);

    const responses = await postConcurrently(client, "/two-factor/verify", "/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) });
    expectExactlyOneWinner(responses);
    expect(await fullSessionIds(user.id)).toHaveLength(1);
    expect(await db().selectFrom("sessions").select("id").where("user_id", "=", user.id).where("stage", "=", "pending").execute()).toHaveLength(0);
  });

  it("one app code sent from two devices at once signs in one of them; the other is told it was already used, and that counts as a wrong guess", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(STEP_MS);
    const devices = await Promise.all([ctx.signInWithPassword(user.email), ctx.signInWithPassword(user.email)]);
    const csrfs = await Promise.all(devices.map(async (device) => csrfTokenOf((await device.get("/two-factor/verify")).body)));
    const code = totpCodeAt(secret, ctx.clock.nowMs());

    const responses = await Promise.all(devices.map((device, i) => device.postForm("/two-factor/verify", { _csrf: csrfs[i]!, code })));
    expectExactlyOneWinner(responses);
    const loser = responses.find((response) => response.location !== "/")!;
    expect(loser.status).toBeGreaterThanOrEqual(400);
    expect(loser.body).toContain(MESSAGES.codeReused.replaceAll("'", "&#39;"));
    expect(await fullSessionIds(user.id)).toHaveLength(1);
    // The winner gave its failure slot back in the transaction that signed it in; the loser's stayed.
    const failures = await db().selectFrom("throttle_hits").select("id").where("key", "=", `2fa-fail:${user.id}`).execute();
    expect(failures).toHaveLength(1);
  });

  it("twenty concurrent submissions of one SMS set-up code activate exactly one factor and one full session", async () => {
    const user = await ctx.createUser();
    const client = await ctx.signInWithPassword(user.email);
    expect((await sendSmsSetupCode(client, "+44 7400 123456")).location).toBe("/two-factor/setup/sms/verify");

    const responses = await postConcurrently(client, "/two-factor/setup/sms/verify", "/two-factor/setup/sms/verify", { code: lastSmsCode(ctx, "+447400123456") });
    expectExactlyOneWinner(responses);
    expect(await activeFactors(user.id)).toHaveLength(1);
    expect(await fullSessionIds(user.id)).toHaveLength(1);
    const setupEvents = await db().selectFrom("audit_events").select("id").where("subject_user_id", "=", user.id).where("type", "=", "two_factor.setup").execute();
    expect(setupEvents).toHaveLength(1);
  });

  /** Starts a set-up of `kind` in `browser` and returns the verification it will post. */
  async function preparedVerification(browser: HttpClient, kind: "totp" | "sms", phone: string): Promise<() => Promise<Response2>> {
    if (kind === "totp") {
      const secret = await startAppSetup(browser);
      const csrf = csrfTokenOf((await browser.get("/two-factor/setup/app")).body);
      return () => browser.postForm("/two-factor/setup/app/verify", { _csrf: csrf, code: totpCodeAt(secret, ctx.clock.nowMs()) });
    }
    expect((await sendSmsSetupCode(browser, phone)).location).toBe("/two-factor/setup/sms/verify");
    const csrf = csrfTokenOf((await browser.get("/two-factor/setup/sms/verify")).body);
    const code = lastSmsCode(ctx, phone.replace(/ /g, ""));
    return () => browser.postForm("/two-factor/setup/sms/verify", { _csrf: csrf, code });
  }

  it("two concurrent set-up verifications activate exactly one method", async () => {
    // Several rounds, so the two transactions really overlap in some of them.
    const rounds: Array<["totp" | "sms", "totp" | "sms"]> = [...Array(8).fill(["totp", "totp"]), ...Array(2).fill(["totp", "sms"])];
    for (const [round, kinds] of rounds.entries()) {
      const user = await ctx.createUser();
      const browsers = await Promise.all([ctx.signInWithPassword(user.email), ctx.signInWithPassword(user.email)]);
      const verifications = await Promise.all(kinds.map((kind, i) => preparedVerification(browsers[i]!, kind, `+44 7400 1234${10 + round}`)));
      const responses = await Promise.all(verifications.map((verify) => verify()));
      expectExactlyOneWinner(responses);
      const factors = await db().selectFrom("second_factors").selectAll().where("user_id", "=", user.id).execute();
      expect(factors.map((factor) => factor.status)).toEqual(["active"]);
      expect(factors[0]!.kind).toBe(kinds[responses.findIndex((response) => response.location === "/")]);
      expect(await fullSessionIds(user.id)).toHaveLength(1);
    }
  });

  it("a code from one user's app never works for another user", async () => {
    const ann = await ctx.createUser({ email: "ann@example.com" });
    const bob = await ctx.createUser({ email: "bob@example.com" });
    const annSecret = await enrollApp(ctx, ann.email);
    await enrollApp(ctx, bob.email);
    ctx.clock.advance(STEP_MS);
    const annCode = totpCodeAt(annSecret, ctx.clock.nowMs());

    const bobBrowser = await ctx.signInWithPassword(bob.email);
    const csrf = csrfTokenOf((await bobBrowser.get("/two-factor/verify")).body);
    const refused = await bobBrowser.postForm("/two-factor/verify", { _csrf: csrf, code: annCode });
    expect(refused.status).toBe(400);
    expect(refused.body).toContain(MESSAGES.codeWrong);
    expect(await fullSessionIds(bob.id)).toHaveLength(0);

    // Nor at set-up: a new user cannot finish theirs with Ann's code.
    const carol = await ctx.createUser({ email: "carol@example.com" });
    const carolBrowser = await ctx.signInWithPassword(carol.email);
    await startAppSetup(carolBrowser);
    const setupCsrf = csrfTokenOf((await carolBrowser.get("/two-factor/setup/app")).body);
    expect((await carolBrowser.postForm("/two-factor/setup/app/verify", { _csrf: setupCsrf, code: annCode })).status).toBe(400);
    expect(await activeFactors(carol.id)).toHaveLength(0);

    // Bob's try did not use up Ann's step: the code still signs Ann in.
    const annBrowser = await ctx.signInWithPassword(ann.email);
    const annCsrf = csrfTokenOf((await annBrowser.get("/two-factor/verify")).body);
    expect((await annBrowser.postForm("/two-factor/verify", { _csrf: annCsrf, code: annCode })).location).toBe("/");
  });
});
