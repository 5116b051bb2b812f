import type { Kysely } from "kysely";

// Frozen in time (see 0001). A user's latest events (the dashboard, on every visit) are read newest
// first with the id breaking ties: with `id` in the index the rows come out in order, without a
// temporary sort. It replaces the (subject_user_id, at) index, a prefix of it.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("audit_events_subject_at_id").on("audit_events").columns(["subject_user_id", "at", "id"]).execute();
  await db.schema.dropIndex("audit_events_subject_at").execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("audit_events_subject_at").on("audit_events").columns(["subject_user_id", "at"]).execute();
  await db.schema.dropIndex("audit_events_subject_at_id").execute();
}
