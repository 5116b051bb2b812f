import type { Kysely } from "kysely";

// Frozen in time (see 0001). The whole audit log by time: `gatehouse audit export` reads it oldest
// first a page at a time (keyset on at, id), and the daily retention purge deletes the oldest rows in
// batches; without this index each would scan the table.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("audit_events_at_id").on("audit_events").columns(["at", "id"]).execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("audit_events_at_id").execute();
}
