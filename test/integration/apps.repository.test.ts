import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { mayUseApp } from "../../src/auth/apps-access.ts";
import { appAllowedRoles, createApp, findAppByClientId, findAppByHost, findAppById, listApps, removeApp, updateApp } from "../../src/auth/apps.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";
import { FakeClock } from "../support/fake-clock.ts";

describe.each(TEST_DIALECTS)("the apps repository on %s", (dialect) => {
  let testDb: TestDatabase;
  const deps = { clock: new FakeClock(), random: cryptoRandom };
  beforeEach(async () => {
    testDb = await createTestDatabase(dialect);
  });
  afterEach(() => testDb.drop());

  test("create, find by id, client id and host, update, list and remove; who may use an app", async () => {
    const db = testDb.database.db;
    const created = await createApp(db, deps, { name: "  Files ", url: "https://Files.Example.com:8443/home", method: "oidc", redirectUris: ["https://files.example.com/cb"] });
    if (!created.ok) throw new Error(created.error);
    const { app } = created;
    expect(app).toMatchObject({ name: "Files", host: "files.example.com:8443", method: "oidc", allowed_roles: null });
    expect(await findAppByClientId(db, app.client_id!)).toEqual(app);
    expect(await findAppByHost(db, "FILES.example.com:8443")).toEqual(app);
    expect(await createApp(db, deps, { name: "files", url: "https://x.example.com", method: "proxy" })).toEqual({ ok: false, error: "duplicate_name" });

    deps.clock.advance(1000);
    const updated = await updateApp(db, deps.clock, app.id, { name: "Files", url: "https://files.example.com/", method: "oidc", redirectUris: ["https://files.example.com/cb"], allowedRoles: ["support"] });
    expect(updated.ok).toBe(true);
    const stored = (await findAppById(db, app.id))!;
    expect(appAllowedRoles(stored)).toEqual(["support"]);
    expect(stored.client_id, "the client id survives an update").toBe(app.client_id);
    expect(stored.updated_at).toBe(app.created_at + 1000);
    expect(mayUseApp(stored, { role: "support", disabled_at: null })).toBe(true);
    expect(mayUseApp(stored, { role: "client", disabled_at: null })).toBe(false);
    expect(mayUseApp(app, { role: "client", disabled_at: null })).toBe(true);
    expect(mayUseApp(app, { role: "client", disabled_at: 1 })).toBe(false);

    expect(await updateApp(db, deps.clock, app.id, { name: "Files", url: "ftp://files", method: "oidc", redirectUris: ["https://x/cb"] })).toEqual({ ok: false, error: "invalid_url" });
    expect((await listApps(db)).map((a) => a.name)).toEqual(["Files"]);
    expect((await removeApp(db, "FILES"))?.id).toBe(app.id);
    expect(await listApps(db)).toEqual([]);
  });
});
