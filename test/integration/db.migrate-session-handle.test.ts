import { Migrator, sql } from "kysely";
import { describe, expect, it } from "vitest";
import { migrations } from "../../src/db/migrations/index.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestDatabase } from "../support/fixtures.ts";

// 0006 adds sessions.handle: sessions open before the upgrade must get one, not be signed out.
describe.each(TEST_DIALECTS)("migration 0006_session_handle (%s)", (dialect) => {
  const testDb = useTestDatabase(dialect);

  async function migrateDownTo(name: string): Promise<void> {
    const { db } = testDb.database;
    const schema = dialect === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(db)).rows[0]?.schema : undefined;
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, ...(schema ? { migrationTableSchema: schema } : {}) });
    // As migrateToLatest does: Kysely's catalog scan may trip over another test's schema being dropped
    // before it migrates anything (no results yet), and scanning again is safe.
    for (let attempt = 1; ; attempt += 1) {
      const result = await migrator.migrateTo(name);
      if (!result.error) return;
      if (result.results !== undefined || attempt === 5) throw result.error;
    }
  }

  it("gives every session open before the upgrade its own random handle, and can be undone", async () => {
    await migrateDownTo("0005_account_recovery");
    // biome-ignore lint: the schema of 0005, which the app's types no longer describe
    const db = testDb.database.db as any;
    await db.insertInto("users").values({ id: "u1", email: "a@example.com", email_normalized: "a@example.com", display_name: "A", role: "client", created_at: 1 }).execute();
    const session = (id: string) => ({ id, user_id: "u1", stage: "full", created_at: 1, last_seen_at: 1, expires_at: 2, code_attempts: 0 });
    await db.insertInto("sessions").values([session("s1"), session("s2")]).execute();

    await migrateToLatest(testDb.database);
    const rows = await testDb.database.db.selectFrom("sessions").select(["id", "handle"]).orderBy("id").execute();
    expect(rows.map((r) => r.id)).toEqual(["s1", "s2"]);
    for (const row of rows) expect(row.handle).toMatch(/^[0-9a-f]{32}$/);
    expect(rows[0]!.handle).not.toBe(rows[1]!.handle);
    await expect(testDb.database.db.updateTable("sessions").set({ handle: rows[0]!.handle }).where("id", "=", "s2").execute()).rejects.toThrow();

    await migrateDownTo("0005_account_recovery");
    await migrateToLatest(testDb.database);
  });
});
