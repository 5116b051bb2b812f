import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { precompiled } from "../../src/db/precompiled.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";

describe.each(TEST_DIALECTS)("a precompiled query (%s)", (dialect) => {
  let testDb: TestDatabase;
  beforeEach(async () => {
    testDb = await createTestDatabase(dialect);
    const db = testDb.database.db;
    await db.insertInto("throttle_hits").values([{ id: "a", key: "k1", at: 1 }, { id: "b", key: "k1", at: 2 }, { id: "c", key: "k2", at: 3 }]).execute();
  });
  afterEach(async () => testDb.drop());

  it("runs with each call's values in the placeholders, the fixed values kept, in a transaction too", async () => {
    const hits = precompiled(["key", "after"], (db, p) => db.selectFrom("throttle_hits").select("id").where("key", "=", p.key).where("id", ">", p.after).orderBy("id").limit(5));
    const db = testDb.database.db;
    expect(await hits(db, { key: "k1", after: "" })).toEqual([{ id: "a" }, { id: "b" }]);
    expect(await hits(db, { key: "k1", after: "a" })).toEqual([{ id: "b" }]);
    expect(await hits(db, { key: "k2", after: "" })).toEqual([{ id: "c" }]);
    expect(await hits(db, { key: "k1' or '1'='1", after: "" })).toEqual([]);
    expect(await db.transaction().execute((trx) => hits(trx, { key: "k2", after: "" }))).toEqual([{ id: "c" }]);
  });

  it("refuses a placeholder the query does not use", async () => {
    const broken = precompiled(["key", "unused"], (db, p) => db.selectFrom("throttle_hits").select("id").where("key", "=", p.key));
    await expect(broken(testDb.database.db, { key: "k1", unused: "x" })).rejects.toThrow("parameter unused not used");
  });
});
