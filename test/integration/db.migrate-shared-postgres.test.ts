import { describe, expect, it } from "vitest";
import { createTestDatabase } from "../support/databases.ts";

// Kysely's migrator looks for its bookkeeping tables in every schema unless told which one is ours:
// a second Gatehouse (or a test run) in another schema of the same server must still migrate.
describe.runIf(process.env.TEST_DATABASE_URL)("migrations on a PostgreSQL server shared by several schemas", () => {
  it("a schema migrates while another schema of the same server already holds a migrated Gatehouse", async () => {
    const first = await createTestDatabase("postgres");
    try {
      const second = await createTestDatabase("postgres");
      try {
        const tables = await second.database.db.introspection.getTables();
        expect(tables.filter((table) => table.schema === second.searchPath).map((table) => table.name)).toContain("second_factors");
      } finally {
        await second.drop();
      }
    } finally {
      await first.drop();
    }
  });

  it("schemas migrate while other schemas of the same server are being dropped", async () => {
    // Kysely's catalog scan looks up every schema it sees by name; one dropped mid-scan made it fail.
    const failures: string[] = [];
    const createAndDrop = async (rounds: number) => {
      for (let round = 0; round < rounds; round += 1) {
        try {
          await (await createTestDatabase("postgres")).drop();
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
        }
      }
    };
    await Promise.all([createAndDrop(20), createAndDrop(20), createAndDrop(20)]);
    expect(failures).toEqual([]);
  }, 120_000);
});
