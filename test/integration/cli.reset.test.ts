import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createSession } from "../../src/auth/session.ts";
import { createUser } from "../../src/auth/user.ts";
import { systemClock } from "../../src/clock.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { User } from "../../src/db/schema.ts";
import { insertSmsFactor } from "../support/admin.ts";
import { cliDatabaseUrl, expectOneLineFailure, runCli } from "../support/cli.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";

const REASON = "Ticket 4711: phone stolen, identity checked on a video call";

// `gatehouse users reset-2fa` on a database the test seeds directly, then inspects.
describe.each(TEST_DIALECTS)("gatehouse users reset-2fa on %s", (dialect) => {
  let dir: string;
  let testDb: TestDatabase;
  let env: Record<string, string>;
  const deps = { clock: systemClock, random: cryptoRandom };
  const factorsOf = async (userId: string) => (await testDb.database.db.selectFrom("second_factors").select(["kind", "status"]).where("user_id", "=", userId).execute()).map((f) => [f.kind, f.status]);
  const supportResetsOf = (userId: string) => testDb.database.db.selectFrom("audit_events").selectAll().where("subject_user_id", "=", userId).where("type", "=", "two_factor.support_reset").execute();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-cli-reset-"));
    testDb = await createTestDatabase(dialect, { sqlitePath: join(dir, "cli.db") });
    env = { DATABASE_URL: cliDatabaseUrl(testDb) };
  });
  afterAll(async () => {
    await testDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function userWithSms(email: string): Promise<User> {
    const created = await createUser(testDb.database.db, deps, { email, displayName: "Cli Client", role: "client", password: null });
    if (!created.ok) throw new Error(created.error);
    await insertSmsFactor(testDb.database, systemClock.nowMs(), created.user.id, "+447400123456");
    await createSession(testDb.database.db, deps, created.user.id, { stage: "full", meta: { ip: "203.0.113.9", userAgent: "test" }, secondFactorAt: systemClock.nowMs() });
    return created.user;
  }

  test("removes the user's methods and sessions, prints one line, and the audit row says the CLI did it and why", async () => {
    const user = await userWithSms("lost.phone@example.com");
    const result = await runCli(["users", "reset-2fa", "--email", "  Lost.Phone@Example.com ", "--reason", REASON], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toMatch(/^Reset two-factor sign-in for lost\.phone@example\.com[^\n]*\n$/);

    expect(await factorsOf(user.id)).toEqual([]);
    expect(await testDb.database.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute()).toEqual([]);
    const resets = await supportResetsOf(user.id);
    expect(resets).toHaveLength(1);
    expect(resets[0]).toMatchObject({ actor_user_id: null, subject_user_id: user.id });
    expect(JSON.parse(resets[0]!.detail!)).toEqual({ via: "cli", reason: REASON });
  });

  test("an unknown email, a missing or short reason, and a user without a method fail with one line and change nothing", async () => {
    const user = await userWithSms("keeps.phone@example.com");
    const unknown = await runCli(["users", "reset-2fa", "--email", "nobody@example.com", "--reason", REASON], env);
    expect(expectOneLineFailure(unknown)).toBe("gatehouse: no user with the email nobody@example.com");
    const [missing, short, blank] = await Promise.all([
      runCli(["users", "reset-2fa", "--email", user.email], env),
      runCli(["users", "reset-2fa", "--email", user.email, "--reason", "too short"], env),
      runCli(["users", "reset-2fa", "--email", user.email, "--reason", " ".repeat(20)], env),
    ]);
    for (const result of [missing, short, blank]) expect(expectOneLineFailure(result)).toMatch(/--reason is required: .*10 to 500 characters/);
    expect(await factorsOf(user.id)).toEqual([["sms", "active"]]);

    const methodless = await createUser(testDb.database.db, deps, { email: "no.method@example.com", displayName: "No Method", role: "client", password: null });
    if (!methodless.ok) throw new Error(methodless.error);
    expect(expectOneLineFailure(await runCli(["users", "reset-2fa", "--email", "no.method@example.com", "--reason", REASON], env))).toMatch(/has no two-factor method/);
    expect([...(await supportResetsOf(user.id)), ...(await supportResetsOf(methodless.user.id))]).toEqual([]);
  });
});
