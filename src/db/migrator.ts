import { type MigrationResultSet, Migrator, sql } from "kysely";
import type { Database } from "./database.ts";
import { migrations } from "./migrations/index.ts";

/**
 * Applies pending migrations. On PostgreSQL Kysely holds an advisory lock while it migrates, so
 * several instances starting at once apply each migration exactly once.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  // Kysely looks for its own tables in every schema unless named one: on a server shared with
  // another schema that holds them, it would skip creating ours and fail. Ours is search_path's first.
  const migrationTableSchema = database.dialect === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema : undefined;
  const migrator = new Migrator({ db: database.db, provider: { getMigrations: async () => migrations }, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`);
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}
