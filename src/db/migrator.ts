import { type MigrationResultSet, Migrator, sql } from "kysely";
import type { Database } from "./database.ts";
import { migrations } from "./migrations/index.ts";

/**
 * Applies pending migrations. On PostgreSQL Kysely holds an advisory lock while it migrates, so
 * several instances starting at once apply each migration exactly once.
 */
export async function migrateToLatest(database: Database): Promise<string[]> {
  const migrator = await createMigrator(database);
  const result: MigrationResultSet = await migrateRetryingSchemaRaces(migrator);
  if (result.error) {
    const failed = result.results?.find((r) => r.status === "Error")?.migrationName ?? "unknown";
    const reason = result.error instanceof Error ? result.error.message : String(result.error);
    throw new Error(`migration ${failed} failed: ${reason}`);
  }
  return (result.results ?? []).filter((r) => r.status === "Success").map((r) => r.migrationName);
}

/** The migrations this database has not applied yet (MIGRATE_ON_START=false refuses to serve then). */
export async function pendingMigrations(database: Database): Promise<string[]> {
  const migrator = await createMigrator(database);
  return (await migrator.getMigrations()).filter((m) => m.executedAt === undefined).map((m) => m.name);
}

async function createMigrator(database: Database): Promise<Migrator> {
  // Kysely looks for its own tables in every schema unless named one: on a server shared with
  // another schema that holds them, it would skip creating ours and fail. Ours is search_path's first.
  const migrationTableSchema = database.dialect === "postgres" ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(database.db)).rows[0]?.schema : undefined;
  return new Migrator({ db: database.db, provider: { getMigrations: async () => migrations }, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
}

/** SQLSTATEs of a catalog object that vanished: invalid_schema_name, undefined_table, undefined_column, undefined_object. */
const VANISHED_OBJECT_CODES = new Set(["3F000", "42P01", "42703", "42704"]);
const MAX_MIGRATE_ATTEMPTS = 5;

/**
 * Before migrating, Kysely's catalog scan (do its tables exist?) looks up every table of every
 * schema on the server by name, so one dropped meanwhile by someone else fails the scan. That
 * happens before any migration runs (no results yet), so scanning again is safe.
 */
async function migrateRetryingSchemaRaces(migrator: Migrator): Promise<MigrationResultSet> {
  for (let attempt = 1; ; attempt += 1) {
    const result = await migrator.migrateToLatest();
    const code = (result.error as { code?: unknown } | undefined)?.code;
    const vanishedBeforeMigrating = result.results === undefined && typeof code === "string" && VANISHED_OBJECT_CODES.has(code);
    if (!vanishedBeforeMigrating || attempt === MAX_MIGRATE_ATTEMPTS) return result;
  }
}
