import { sql } from "kysely";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type Database, openDatabase } from "../../src/db/database.ts";

describe("openDatabase() on SQLite (prepared statements cached by SQL text)", () => {
  let database: Database;
  beforeEach(() => {
    database = openDatabase({ dialect: "sqlite", path: ":memory:" });
  });
  afterEach(() => database.close());

  test("the same statement run again with new parameters answers for those parameters", async () => {
    const twice = async (n: number) => (await sql<{ n: number }>`select ${n} * 2 as n`.execute(database.db)).rows[0]!.n;
    expect(await twice(1)).toBe(2);
    expect(await twice(21)).toBe(42);
  });

  test("more distinct statements than the cache holds: evicted ones are prepared again and still answer", async () => {
    const literal = async (i: number) => (await sql<{ n: number }>`select ${sql.lit(i)} as n`.execute(database.db)).rows[0]!.n;
    for (let i = 0; i < 1_100; i += 1) expect(await literal(i)).toBe(i);
    expect(await literal(0)).toBe(0);
    expect(await literal(1_099)).toBe(1_099);
  });

  test("a statement prepared before a schema change still runs after it", async () => {
    await sql`create table t (a integer)`.execute(database.db);
    await sql`insert into t (a) values (1)`.execute(database.db);
    const all = () => sql<Record<string, number>>`select * from t`.execute(database.db);
    expect((await all()).rows).toEqual([{ a: 1 }]);
    await sql`alter table t add column b integer default 7`.execute(database.db);
    expect((await all()).rows).toEqual([{ a: 1, b: 7 }]);
  });
});
