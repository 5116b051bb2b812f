import type { Kysely } from "kysely";

// Frozen in time (see 0001). Deleting a session cascades to the set-ups it started: without this
// index every session delete (each sign-in, sign-out, expiry) scanned all second factors.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("second_factors_session").on("second_factors").column("session_id").execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("second_factors_session").execute();
}
