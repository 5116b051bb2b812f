import { sql } from "kysely";
import pg from "pg";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";

// Named prepared statements (src/db/pg-prepared.ts) against what another instance may do meanwhile.
describe.runIf(process.env.TEST_DATABASE_URL)("prepared statements on PostgreSQL", () => {
  let testDb: TestDatabase;
  let other: pg.Client;
  beforeEach(async () => {
    testDb = await createTestDatabase("postgres");
    other = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL!, options: `-c search_path=${testDb.searchPath}` });
    await other.connect();
    await other.query("insert into users (id, email, email_normalized, display_name, role, created_at) values ('u1', 'ann@example.com', 'ann@example.com', 'Ann', 'client', 1)");
  });
  afterEach(async () => {
    await other.end();
    await testDb.drop();
  });

  const db = () => testDb.database.db;
  const everyColumnOfAnn = (executor = db()) => executor.selectFrom("users").selectAll().where("id", "=", "u1").executeTakeFirstOrThrow();
  /** The pool's 5 connections all busy at once, so each of them prepares the statement. */
  const onEveryConnection = <T>(run: () => Promise<T>) => Promise.all(Array.from({ length: 5 }, () => run()));

  it("are prepared once per connection and answer with each call's own parameters", async () => {
    await other.query("insert into users (id, email, email_normalized, display_name, role, created_at) values ('u2', 'bob@example.com', 'bob@example.com', 'Bob', 'client', 2)");
    const nameOf = (id: string) => db().selectFrom("users").select("display_name").where("id", "=", id).executeTakeFirstOrThrow();
    for (let i = 0; i < 3; i += 1) expect((await onEveryConnection(() => nameOf(i % 2 ? "u1" : "u2"))).map((r) => r.display_name)).toEqual(Array(5).fill(i % 2 ? "Ann" : "Bob"));
    const prepared = await sql<{ n: number }>`select count(*)::int as n from pg_prepared_statements where statement like ${'%"display_name" from "users"%'}`.execute(db());
    expect(prepared.rows[0]!.n).toBe(1); // this connection's own: prepared once, used again
  });

  it("a select * prepared before another instance adds a column still answers afterwards, with the column", async () => {
    await onEveryConnection(everyColumnOfAnn);
    await other.query("alter table users add column added_by_a_later_version text default 'x'");
    const rows = await onEveryConnection(everyColumnOfAnn);
    for (const row of rows) expect(row).toMatchObject({ email: "ann@example.com", added_by_a_later_version: "x" });
  });

  it("inside a transaction the statement fails once (the transaction is aborted), and is prepared again after", async () => {
    await onEveryConnection(everyColumnOfAnn);
    await other.query("alter table users add column added_by_a_later_version text");
    const inTransaction = db().transaction().execute((trx) => everyColumnOfAnn(trx));
    await expect(inTransaction).rejects.toMatchObject({ code: "0A000" });
    expect((await onEveryConnection(everyColumnOfAnn))[0]).toMatchObject({ email: "ann@example.com" });
  });
});
