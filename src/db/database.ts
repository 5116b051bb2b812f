import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase as SqliteDialectDatabase } from "kysely";
import type { DatabaseTarget } from "../config/config.ts";
import { withPreparedStatements } from "./pg-prepared.ts";
import type { DB } from "./schema.ts";

export type Dialect = DatabaseTarget["dialect"];

export interface Database {
  readonly db: Kysely<DB>;
  readonly dialect: Dialect;
  /** True when the database answers a trivial query (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

const INT8_OID = 20;
/** Distinct SQL texts the portal runs are a few hundred; beyond this the oldest prepared statement is dropped. */
const STATEMENT_CACHE_SIZE = 1_000;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing was 11–13 % of an authenticated
 * page's CPU (bench/README.md). The SQL text of a query is the same each time (only parameters
 * change), so each text is prepared once. Safe: Kysely runs one query at a time on its one
 * connection, and a statement is fully read (`all`/`run`) before the next query starts.
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDialectDatabase {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement) {
        // Most recently used last, so the first key is the least recently used.
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

export function openDatabase(target: DatabaseTarget, options: { poolSize?: number; searchPath?: string } = {}): Database {
  if (target.dialect === "sqlite") {
    if (target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
    const sqlite = new SqliteDatabase(target.path);
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("synchronous = NORMAL");
    sqlite.pragma("foreign_keys = ON");
    sqlite.pragma("busy_timeout = 5000");
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return {
      db,
      dialect: "sqlite",
      ping: async () => sqlite.prepare("select 1 as ok").get() !== undefined,
      close: () => db.destroy(),
    };
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5_000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
    // bigint columns hold epoch milliseconds, well inside Number.MAX_SAFE_INTEGER.
    types: {
      getTypeParser: ((oid: number, format?: "text" | "binary") =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its connection must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: withPreparedStatements(pool) }) });
  return {
    db,
    dialect: "postgres",
    ping: async () => {
      try {
        await pool.query("select 1");
        return true;
      } catch {
        return false;
      }
    },
    close: () => db.destroy(),
  };
}

