import type { Kysely } from "kysely";

// Frozen in time (see 0001). Password recovery: a link is bound to the session that proves the second
// factor for it; and a small table of counted events for throttles kept in the database.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("one_time_links").addColumn("session_id", "text").execute();
  await db.schema.alterTable("one_time_links").addColumn("factor_verified_at", "bigint").execute();
  await db.schema
    .createTable("throttle_hits")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("key", "text", (c) => c.notNull())
    .addColumn("at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("throttle_hits_key_at").on("throttle_hits").columns(["key", "at"]).execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("throttle_hits").execute();
  await db.schema.alterTable("one_time_links").dropColumn("factor_verified_at").execute();
  await db.schema.alterTable("one_time_links").dropColumn("session_id").execute();
}
