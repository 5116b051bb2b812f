import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createKeyring } from "../../src/crypto/encryption.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { createOidcStorage, KyselyOidcAdapter, pruneExpiredOidcPayloads } from "../../src/features/oidc/oidc-storage.adapter.ts";
import { ensureSigningKey, loadSigningJwks, RETIRED_KEY_PUBLISHED_MS, rotateSigningKey } from "../../src/auth/signing-keys.ts";
import { TEST_SECRET_KEY } from "../support/context.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";
import { FakeClock, MINUTE_MS } from "../support/fake-clock.ts";

describe.each(TEST_DIALECTS)("OpenID Connect storage on %s", (dialect) => {
  let testDb: TestDatabase;
  let clock: FakeClock;
  beforeEach(async () => {
    testDb = await createTestDatabase(dialect);
    clock = new FakeClock();
  });
  afterEach(() => testDb.drop());

  test("the adapter finds by id, uid and user code, marks consumption, revokes by grant, and hides and prunes what expired", async () => {
    const storage = createOidcStorage(testDb.database.db, clock);
    const codes = new KyselyOidcAdapter("AuthorizationCode", storage);
    const sessions = new KyselyOidcAdapter("Session", storage);
    await codes.upsert("c1", { jti: "c1", grantId: "g1", kind: "AuthorizationCode" }, 60);
    await codes.upsert("c2", { jti: "c2", grantId: "g2", userCode: "ABCD-EFGH" }, 60);
    await sessions.upsert("s1", { jti: "s1", uid: "u1" }, 3600);
    expect(await codes.find("c1")).toMatchObject({ grantId: "g1" });
    expect(await codes.findByUserCode("ABCD-EFGH")).toMatchObject({ jti: "c2" });
    expect(await sessions.findByUid("u1")).toMatchObject({ jti: "s1" });
    expect(await sessions.find("c1"), "ids are per model").toBeUndefined();

    await codes.consume("c1");
    expect((await codes.find("c1"))?.consumed).toBe(Math.floor(clock.nowMs() / 1000));
    await codes.upsert("c1", { jti: "c1", grantId: "g1" }, 60);
    await codes.revokeByGrantId("g1");
    expect(await codes.find("c1")).toBeUndefined();

    clock.advance(61_000);
    expect(await codes.find("c2"), "an expired code is not found, before any pruning").toBeUndefined();
    expect(await sessions.find("s1")).toBeDefined();
    expect(await pruneExpiredOidcPayloads(testDb.database.db, clock.nowMs())).toBe(1);
    await sessions.destroy("s1");
    expect(await sessions.find("s1")).toBeUndefined();
  });

  test("signing keys: one first key however many start at once; a new key signs first; a replaced key is published a day more", async () => {
    const deps = { clock, random: cryptoRandom, keyring: createKeyring([{ id: "k1", key: Buffer.from(TEST_SECRET_KEY, "base64") }]) };
    await Promise.all([ensureSigningKey(testDb.database.db, deps), ensureSigningKey(testDb.database.db, deps)]);
    const [first] = await loadSigningJwks(testDb.database.db, deps);
    expect(first).toMatchObject({ alg: "RS256", use: "sig", kty: "RSA" });
    expect(first!.d, "the private key is there, for signing").toBeTruthy();
    const stored = await testDb.database.db.selectFrom("oidc_signing_keys").select("private_jwk_enc").execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]!.private_jwk_enc).not.toContain(first!.d!);

    clock.advance(MINUTE_MS);
    const kid = await rotateSigningKey(testDb.database.db, deps);
    expect((await loadSigningJwks(testDb.database.db, deps)).map((key) => key.kid)).toEqual([kid, first!.kid]);
    clock.advance(RETIRED_KEY_PUBLISHED_MS + MINUTE_MS);
    expect((await loadSigningJwks(testDb.database.db, deps)).map((key) => key.kid)).toEqual([kid]);
  });
});
