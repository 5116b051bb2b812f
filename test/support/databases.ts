import pg from "pg";
import type { DatabaseTarget } from "../../src/config/config.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";

export type TestDialect = "sqlite" | "postgres";

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const TEST_DIALECTS: TestDialect[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

export interface TestDatabase {
  database: Database;
  target: DatabaseTarget;
  /** For PostgreSQL: the schema this test owns (search_path), so child processes can share it. */
  searchPath: string | null;
  drop(): Promise<void>;
}

/** A fresh, migrated database: an in-memory SQLite file, or a new PostgreSQL schema dropped afterwards. */
export async function createTestDatabase(dialect: TestDialect, options: { sqlitePath?: string } = {}): Promise<TestDatabase> {
  if (dialect === "sqlite") {
    const target: DatabaseTarget = { dialect: "sqlite", path: options.sqlitePath ?? ":memory:" };
    const database = openDatabase(target);
    await migrateToLatest(database);
    return { database, target, searchPath: null, drop: () => database.close() };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `gh_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const target: DatabaseTarget = { dialect: "postgres", url };
  const database = openDatabase(target, { searchPath: schema, poolSize: 5 });
  const drop = async () => {
    await database.close();
    const cleanup = new pg.Client({ connectionString: url });
    await cleanup.connect();
    await cleanup.query(`drop schema if exists ${schema} cascade`);
    await cleanup.end();
  };
  try {
    await migrateToLatest(database);
  } catch (error) {
    await drop();
    throw error;
  }
  return { database, target, searchPath: schema, drop };
}
