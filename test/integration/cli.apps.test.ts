import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { findAppByName, hashClientSecret } from "../../src/auth/apps.ts";
import { createKeyring, keyIdOf } from "../../src/crypto/encryption.ts";
import { cliDatabaseUrl, CLI_SECRET_KEY, expectOneLineFailure, runCli } from "../support/cli.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";
import { ensureSigningKey } from "../../src/auth/signing-keys.ts";
import { systemClock } from "../../src/clock.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";

// `gatehouse apps …` and the signing keys under `gatehouse keys …`; the cases run in order on one database.
// Several CLI processes a case: each starts Node and tsx, seconds on a busy 2-core machine.
describe.each(TEST_DIALECTS)("gatehouse apps on %s", { timeout: 120_000 }, (dialect) => {
  let dir: string;
  let testDb: TestDatabase;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-cli-apps-"));
    testDb = await createTestDatabase(dialect, { sqlitePath: join(dir, "cli.db") });
  });
  afterAll(async () => {
    await testDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });
  const cli = (args: string[], secretKey = CLI_SECRET_KEY) => runCli(args, { DATABASE_URL: cliDatabaseUrl(testDb), SECRET_KEY: secretKey });

  test("apps add --oidc prints client_id= and client_secret= lines; only the secret's SHA-256 is stored; audited", async () => {
    const result = await cli(["apps", "add", "--name", "Files", "--url", "https://files.example.com", "--oidc", "--redirect-uri", "https://files.example.com/cb", "--redirect-uri", "https://files.example.com/cb2"]);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    const clientId = /^client_id=([0-9a-f]{32})$/.exec(lines[0]!)?.[1];
    const secret = /^client_secret=([A-Za-z0-9_-]{43})$/.exec(lines[1]!)?.[1];
    expect(clientId && secret).toBeTruthy();
    const app = (await findAppByName(testDb.database.db, "files"))!;
    expect(app.client_id).toBe(clientId);
    expect(app.client_secret_hash).toBe(hashClientSecret(secret!));
    expect(JSON.stringify(app)).not.toContain(secret);
    const audit = await testDb.database.db.selectFrom("audit_events").select(["type", "detail"]).where("type", "=", "app.created").execute();
    expect(audit.map((e) => JSON.parse(e.detail!).app)).toEqual(["Files"]);
  });

  test("--public prints no secret line; --proxy registers by host; --roles limits who may use it", async () => {
    const pub = await cli(["apps", "add", "--name", "Wiki", "--url", "https://wiki.example.com", "--oidc", "--redirect-uri", "https://wiki.example.com/cb", "--public", "--roles", "support,admin"]);
    expect(pub.code, pub.stderr).toBe(0);
    expect(pub.stdout).toMatch(/^client_id=[0-9a-f]{32}\n$/);
    const proxy = await cli(["apps", "add", "--name", "Grafana", "--url", "https://grafana.example.com:8443/", "--proxy"]);
    expect(proxy.code, proxy.stderr).toBe(0);
    const list = await cli(["apps", "list"]);
    expect(list.stdout).toMatch(/^Files\t.*oidc client_id=\w+ confidential.*roles=everyone$/m);
    expect(list.stdout).toMatch(/^Grafana\thttps:\/\/grafana\.example\.com:8443\/\tproxy\troles=everyone$/m);
    expect(list.stdout).toMatch(/^Wiki\t.*public.*roles=support,admin$/m);
  });

  test("bad input fails with one line and a non-zero exit; remove deletes by name", async () => {
    expect(expectOneLineFailure(await cli(["apps", "add", "--name", "files", "--url", "https://x.example.com", "--proxy"]))).toContain("already exists");
    expect(expectOneLineFailure(await cli(["apps", "add", "--name", "X", "--url", "https://x.example.com", "--oidc"]))).toContain("--redirect-uri");
    expect(expectOneLineFailure(await cli(["apps", "add", "--name", "X", "--url", "javascript:alert(1)", "--proxy"]))).toContain("--url");
    expect(expectOneLineFailure(await cli(["apps", "add", "--name", "X", "--url", "https://x.example.com", "--oidc", "--redirect-uri", "https://x.example.com/#frag"]))).toContain("--redirect-uri");
    expect(expectOneLineFailure(await cli(["apps", "add", "--name", "X", "--url", "https://x.example.com", "--proxy", "--roles", "boss"]))).toContain("--roles");
    expect(expectOneLineFailure(await cli(["apps", "add", "--name", "X", "--url", "https://x.example.com"]))).toContain("--oidc");
    expect(expectOneLineFailure(await cli(["apps", "remove", "--name", "Nope"]))).toContain("no app");
    const removed = await cli(["apps", "remove", "--name", "WIKI"]);
    expect(removed.code, removed.stderr).toBe(0);
    expect(removed.stdout).toBe("Removed Wiki\n");
    expect(await findAppByName(testDb.database.db, "Wiki")).toBeUndefined();
  });

  test("keys rotate re-seals the signing keys under the new SECRET_KEY; rotate-signing-key adds a newer key", async () => {
    const keyring = createKeyring([{ id: "k1", key: Buffer.from(CLI_SECRET_KEY, "base64") }]);
    await ensureSigningKey(testDb.database.db, { clock: systemClock, random: cryptoRandom, keyring });
    const newKey = randomBytes(32).toString("base64");
    const rotated = await cli(["keys", "rotate"], `k1:${CLI_SECRET_KEY},k2:${newKey}`);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(rotated.stdout).toContain("Re-encrypted 1 signing key under key k2");
    const added = await cli(["keys", "rotate-signing-key"], `k2:${newKey}`);
    expect(added.code, added.stderr).toBe(0);
    const rows = await testDb.database.db.selectFrom("oidc_signing_keys").select(["generation", "private_jwk_enc"]).orderBy("generation").execute();
    expect(rows.map((row) => [row.generation, keyIdOf(row.private_jwk_enc)])).toEqual([[1, "k2"], [2, "k2"]]);
  });
});
