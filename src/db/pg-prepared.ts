import type pg from "pg";
import type { PostgresPool, PostgresPoolClient } from "kysely";

/**
 * Named prepared statements on PostgreSQL, as the SQLite driver gets a statement cache: each SQL text
 * is parsed and planned once per connection instead of on every query. Planning the session lookup
 * took longer than running it (0.67 against 0.06 ms); with names the PostgreSQL dashboard served
 * 5,900 pages a second against 3,500 (bench/README.md).
 *
 * A prepared `select *` fails with "cached plan must not change result type" (SQLSTATE 0A000) once
 * another instance's migration has added a column: the statement is then prepared again under a new
 * name and the query retried — outside a transaction, which that error has already aborted.
 */
const UNCACHED = /^\s*(begin|start|commit|rollback|savepoint|release|set|create|alter|drop|lock|truncate|comment)\b/i;
const MAX_SQL_LENGTH = 8_192;
/** Distinct SQL texts the portal runs are a few hundred; past this, texts run unnamed. */
const MAX_NAMES = 1_000;
const RESULT_TYPE_CHANGED = "0A000";

export function withPreparedStatements(pool: pg.Pool): PostgresPool {
  const ids = new Map<string, number>();
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const idOf = (sql: string): number | null => {
    if (sql.length > MAX_SQL_LENGTH || UNCACHED.test(sql)) return null;
    let id = ids.get(sql);
    if (id === undefined && ids.size < MAX_NAMES) ids.set(sql, (id = ids.size));
    return id ?? null;
  };
  return {
    async connect() {
      const client = await pool.connect();
      let preparing = clients.get(client);
      if (!preparing) clients.set(client, (preparing = preparingClient(client, idOf)));
      return preparing;
    },
    end: () => pool.end(),
  };
}

function preparingClient(client: pg.PoolClient, idOf: (sql: string) => number | null): PostgresPoolClient {
  /** Per SQL id, how many times this connection had to prepare it again. */
  const generations = new Map<number, number>();
  let inTransaction = false;
  const named = (id: number, sql: string, values: readonly unknown[]) => client.query({ name: `gh_${id}_${generations.get(id) ?? 0}`, text: sql, values: [...values] });

  const query = async (sql: string, values: readonly unknown[] = []) => {
    if (/^\s*(begin|start transaction)\b/i.test(sql)) inTransaction = true;
    else if (/^\s*(commit|rollback)\b/i.test(sql)) inTransaction = false;
    const id = idOf(sql);
    if (id === null) return client.query(sql, [...values]);
    try {
      return await named(id, sql, values);
    } catch (error) {
      if ((error as { code?: string }).code !== RESULT_TYPE_CHANGED) throw error;
      generations.set(id, (generations.get(id) ?? 0) + 1);
      if (inTransaction) throw error;
      return named(id, sql, values);
    }
  };
  return {
    // Kysely passes a cursor object for streamed queries: those go through as they are.
    query: ((sql: unknown, values?: readonly unknown[]) => (typeof sql === "string" ? query(sql, values) : client.query(sql as never))) as unknown as PostgresPoolClient["query"],
    release: () => client.release(),
  };
}
