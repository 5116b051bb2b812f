import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { createOneTimeLink } from "../../src/auth/one-time-link.ts";
import { activateFactor, startTotpSetup } from "../../src/auth/second-factor.ts";
import { createSession } from "../../src/auth/session.ts";
import type { SessionStage, User } from "../../src/db/schema.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { createTestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { FORM_FIELDS, formBody, postRoutes, routePath } from "../support/form-fuzz.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";

/** Runs per route: each is one POST (with a fresh session), so the file stays well under a minute per database. */
const RUNS_PER_ROUTE = 40;

// Every POST route, enumerated from the app itself, so a new form is fuzzed without being listed.
const ROUTES = await (async () => {
  const probe = await createTestContext("sqlite");
  try {
    return postRoutes(probe.app);
  } finally {
    await probe.close();
  }
})();

// The account's own columns. Counters a refused attempt may rightly bump (throttles, lockouts) live elsewhere.
const USER_COLUMNS = ["id", "email", "email_normalized", "display_name", "role", "password_hash", "disabled_at", "created_at", "last_sign_in_at", "previous_sign_in_at", "fallback_phone_e164"] as const;
const FACTOR_COLUMNS = ["id", "user_id", "kind", "status", "session_id", "totp_secret_enc", "totp_last_step", "phone_e164", "expires_at", "verified_at"] as const;
const LINK_COLUMNS = ["id", "purpose", "user_id", "expires_at", "used_at", "session_id", "factor_verified_at"] as const;

describe("the fuzzed routes", () => {
  it("are every POST route of the portal, read from its route table; every form with fields has them listed", () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(30);
    for (const route of Object.keys(FORM_FIELDS)) expect(ROUTES, "a listed form that is no longer a route").toContain(route);
    for (const route of ["/login", "/logout", "/two-factor/verify", "/two-factor/setup/app/verify", "/reset-password/:token/verify", "/admin/users/:id/role", "/account/sessions/:handle/sign-out"]) expect(ROUTES).toContain(route);
  });
});

describe.each(TEST_DIALECTS)("random values posted to every form never get a 5xx, and a refused form changes nothing (%s)", (dialect) => {
  const ctx = useTestContext(dialect, {}, "describe");
  let client: HttpClient;
  let csrfToken: string;
  let admin: User;
  let pendingUser: User;
  /** Real values for route parameters (:id, :token, :handle), besides random ones. */
  const real: Record<string, string[]> = { id: [], token: [], handle: [] };

  beforeAll(async () => {
    const deps = { clock: ctx.clock, random: ctx.deps.random, keyring: ctx.deps.keyring };
    const db = ctx.testDb.database.db;
    admin = await ctx.createUser({ role: "admin", name: "Ada Admin" });
    pendingUser = await ctx.createUser({ name: "Pat Pending" });
    const target = await ctx.createUser({ name: "Tom Target" });
    const invited = await ctx.createUser({ name: "Ivy Invited", password: null });
    for (const user of [admin, pendingUser, target]) {
      const { session } = await createSession(db, deps, user.id, { stage: "pending", meta: { ip: "192.0.2.1", userAgent: "fuzz" } });
      const { factor } = await startTotpSetup(db, deps, user.id, session.id);
      await db.transaction().execute((trx) => activateFactor(trx, factor, ctx.clock.nowMs(), null));
      real.id!.push(user.id);
      real.handle!.push(session.handle);
    }
    real.token!.push(await createOneTimeLink(db, deps, "invite", invited.id, 60 * 60_000), await createOneTimeLink(db, deps, "password_reset", target.id, 60 * 60_000));
    // The token belongs to the browser's CSRF cookie, not to a session: one serves both stages, as in a browser that signs in.
    client = ctx.client();
    csrfToken = csrfTokenOf((await client.get("/login")).body);
  });

  /** A new session of the stage for each run, so no run inherits what another did to its session. */
  async function useSession(stage: SessionStage): Promise<void> {
    const user = stage === "full" ? admin : pendingUser;
    const secondFactorAt = stage === "full" ? ctx.clock.nowMs() : null;
    const { token } = await createSession(ctx.testDb.database.db, { clock: ctx.clock, random: ctx.deps.random }, user.id, { stage, meta: { ip: "127.0.0.1", userAgent: "fuzz" }, secondFactorAt });
    client.setCookie(sessionCookieName(ctx.deps.config), token);
  }

  async function snapshot() {
    const db = ctx.testDb.database.db;
    return Promise.all([
      db.selectFrom("users").select(USER_COLUMNS).orderBy("id").execute(),
      db.selectFrom("second_factors").select(FACTOR_COLUMNS).orderBy("id").execute(),
      db.selectFrom("one_time_links").select(LINK_COLUMNS).orderBy("id").execute(),
    ]);
  }

  it("starting an app set-up with a field that form does not have is refused and starts nothing (found by this fuzz)", async () => {
    await useSession("full");
    const before = await snapshot();
    const response = await client.postForm("/two-factor/setup/app", { _csrf: csrfToken, zz: "1" });
    expect(response.status).toBe(400);
    expect(response.body).toContain("should not have: zz");
    expect(await snapshot()).toEqual(before);
  });

  it.each(ROUTES)("POST %s", async (route) => {
    const stage = fc.constantFrom<SessionStage>("full", "pending");
    const property = fc.asyncProperty(stage, routePath(route, real), formBody(csrfToken, route), async (sessionStage, path, { body, poisoned }) => {
      await useSession(sessionStage);
      const before = await snapshot();
      const response = await client.request("POST", path, { body, headers: { "content-type": "application/x-www-form-urlencoded" } });
      const what = `${sessionStage} session: POST ${path} ${JSON.stringify(body.slice(0, 300))} → ${response.status}`;
      expect(response.status, what).toBeLessThan(500);
      // A form no route accepts, or one the portal refused, must have changed nothing (a guard's redirect counts as refusing).
      if (poisoned || response.status >= 400) expect(await snapshot(), `${what}: refused, yet it changed the database`).toEqual(before);
    });
    await fc.assert(property, { numRuns: RUNS_PER_ROUTE });
  });
});
