import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { activateFactor, startTotpSetup } from "../../src/auth/second-factor.ts";
import { createSession } from "../../src/auth/session.ts";
import { insertSmsFactor } from "../support/admin.ts";
import { createUser } from "../../src/auth/user.ts";
import { systemClock } from "../../src/clock.ts";
import { createKeyring, decryptSecret, keyIdOf } from "../../src/crypto/encryption.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { cliDatabaseUrl, type CliResult, expectOneLineFailure, runCli } from "../support/cli.ts";
import { createTestContext, TEST_PASSWORD, TEST_SECRET_KEY } from "../support/context.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";
import { signInWithAppCode } from "../support/two-factor.ts";

// TEST_SECRET_KEY alone is key "k1" (config.ts numbers bare keys), as a portal started before rotation has it.
const OLD_KEY = TEST_SECRET_KEY;
const NEW_KEY = randomBytes(32).toString("base64");
const BOTH_KEYS = `k1:${OLD_KEY},k2:${NEW_KEY}`;
const NEW_ONLY = `k2:${NEW_KEY}`;

// `gatehouse keys rotate` on a database the test seeds directly; the cases run in order on one database.
describe.each(TEST_DIALECTS)("gatehouse keys rotate on %s", (dialect) => {
  let dir: string;
  let testDb: TestDatabase;
  let dropped = false;
  /** Every app secret seeded, by factor id: what each row must still decrypt to. */
  const secrets = new Map<string, Buffer>();
  const deps = { clock: systemClock, random: cryptoRandom, keyring: createKeyring([{ id: "k1", key: Buffer.from(OLD_KEY, "base64") }]) };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-cli-keys-"));
    testDb = await createTestDatabase(dialect, { sqlitePath: join(dir, "cli.db") });
  });
  afterAll(async () => {
    if (!dropped) await testDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  const rotate = async (secretKey: string, ...args: string[]): Promise<CliResult> => {
    const result = await runCli(["keys", "rotate", ...args], { DATABASE_URL: cliDatabaseUrl(testDb), SECRET_KEY: secretKey });
    for (const key of [OLD_KEY, NEW_KEY]) expect(result.stdout + result.stderr, "the CLI printed a key").not.toContain(key);
    return result;
  };
  const storedBlobs = async () => testDb.database.db.selectFrom("second_factors").select(["id", "totp_secret_enc"]).where("totp_secret_enc", "is not", null).orderBy("id").execute();

  /** Users with an authenticator app sealed under k1 (the first one activated with a password; one set-up left pending). */
  async function seedAppFactors(count: number, o: { password?: string; pendingToo?: boolean } = {}): Promise<string[]> {
    const emails: string[] = [];
    for (let i = 0; i < count; i += 1) {
      const email = `app.${randomBytes(4).toString("hex")}@example.com`;
      const created = await createUser(testDb.database.db, deps, { email, displayName: "App User", role: "client", password: i === 0 && o.password ? o.password : null });
      if (!created.ok) throw new Error(created.error);
      const { session } = await createSession(testDb.database.db, deps, created.user.id, { stage: "pending", meta: { ip: null, userAgent: null } });
      const { factor, secret } = await startTotpSetup(testDb.database.db, deps, created.user.id, session.id);
      secrets.set(factor.id, secret);
      const leavePending = o.pendingToo && i === count - 1;
      if (!leavePending) await testDb.database.db.transaction().execute((trx) => activateFactor(trx, factor, systemClock.nowMs(), null));
      emails.push(email);
    }
    return emails;
  }

  let signInEmail = "";

  test("re-encrypts every stored app secret, pending ones too, under the newest key, a batch at a time", async () => {
    signInEmail = (await seedAppFactors(5, { password: TEST_PASSWORD, pendingToo: true }))[0]!;
    const smsUser = await createUser(testDb.database.db, deps, { email: "sms.user@example.com", displayName: "Sms User", role: "client", password: null });
    if (!smsUser.ok) throw new Error(smsUser.error);
    await insertSmsFactor(testDb.database, systemClock.nowMs(), smsUser.user.id, "+447400123456"); // no secret to rotate
    const result = await rotate(BOTH_KEYS, "--batch-size", "2");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe("Re-encrypted 5 second-factor secrets under key k2; 0 already current.\n");
    const newOnly = createKeyring([{ id: "k2", key: Buffer.from(NEW_KEY, "base64") }]);
    const blobs = await storedBlobs();
    expect(blobs).toHaveLength(5);
    for (const row of blobs) {
      expect(keyIdOf(row.totp_secret_enc!)).toBe("k2");
      expect(decryptSecret(newOnly, row.totp_secret_enc!, row.id).equals(secrets.get(row.id)!)).toBe(true);
    }
  });

  test("a second run re-encrypts nothing and says they are all current", async () => {
    const before = await storedBlobs();
    const again = await rotate(BOTH_KEYS);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toBe("Re-encrypted 0 second-factor secrets under key k2; 5 already current.\n");
    expect(await storedBlobs()).toEqual(before);
  });

  test("two runs at once, over rows half done (as after a crash), re-encrypt each remaining row exactly once", async () => {
    await seedAppFactors(4);
    const runs = await Promise.all([rotate(BOTH_KEYS, "--batch-size", "1"), rotate(BOTH_KEYS, "--batch-size", "3")]);
    const counts = runs.map((run) => {
      expect(run.code, run.stderr).toBe(0);
      const match = /^Re-encrypted (\d+) second-factor secrets? under key k2; (\d+) already current\.\n$/.exec(run.stdout);
      expect(match, run.stdout).not.toBeNull();
      return [Number(match![1]), Number(match![2])];
    });
    expect(counts[0]![0]! + counts[1]![0]!).toBe(4);
    for (const [reencrypted, current] of counts) expect(reencrypted! + current!).toBe(9);
    for (const row of await storedBlobs()) expect(keyIdOf(row.totp_secret_enc!)).toBe("k2");
  });

  test("without the old key it fails with one line naming how many cannot be decrypted, and leaves them as they were", async () => {
    await seedAppFactors(2);
    const before = await storedBlobs();
    const failed = await rotate(NEW_ONLY);
    expect(expectOneLineFailure(failed)).toBe(
      "gatehouse: 2 second-factor secrets cannot be decrypted with the keys in SECRET_KEY (sealed with: k1); add the missing key and run again (0 secrets re-encrypted under key k2, 9 already current)",
    );
    expect(await storedBlobs()).toEqual(before);
    expect(expectOneLineFailure(await rotate(BOTH_KEYS, "--batch-size", "0"))).toBe("gatehouse: --batch-size must be a whole number from 1 to 999999");
    const restarted = await rotate(BOTH_KEYS);
    expect(restarted.stdout).toBe("Re-encrypted 2 second-factor secrets under key k2; 9 already current.\n");
  });

  test("afterwards the portal, given only the new key, accepts the app's codes", async () => {
    const ctx = await createTestContext(dialect, { env: { SECRET_KEY: NEW_ONLY }, database: testDb });
    dropped = true;
    try {
      const factor = await testDb.database.db.selectFrom("second_factors").innerJoin("users", "users.id", "second_factors.user_id").select("second_factors.id").where("users.email", "=", signInEmail).executeTakeFirstOrThrow();
      const client = await signInWithAppCode(ctx, signInEmail, secrets.get(factor.id)!);
      expect((await client.get("/")).status).toBe(200);
    } finally {
      await ctx.close();
    }
  });
});
