import pg from "pg";
import type { DatabaseTarget } from "../../src/config/config.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";

export type TestDialect = "sqlite" | "postgres";

/** SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (CI sets it). */
export const TEST_DIALECTS: TestDialect[] = process.env.TEST_DATABASE_URL ? ["sqlite", "postgres"] : ["sqlite"];

/**
 * The browser tests' databases: TEST_DIALECTS, unless TEST_E2E_DIALECTS=sqlite. `.ci/run` sets it for its
 * second run, under the end-of-life Node 20, to stay within CI's 30 minutes: its first run, under Node 24
 * (what ships), drives every browser test on both databases, and every integration and security test
 * runs on both in both runs.
 */
export const E2E_DIALECTS: TestDialect[] = process.env.TEST_E2E_DIALECTS === "sqlite" ? ["sqlite"] : TEST_DIALECTS;

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
