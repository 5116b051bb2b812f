import type { Kysely } from "kysely";

// Frozen in time (see 0001). The action a step-up interrupted: finished once the code is verified
// (PORTAL.md §6), one per session, gone with the session.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("pending_actions")
    .addColumn("session_id", "text", (c) => c.primaryKey().references("sessions.id").onDelete("cascade"))
    .addColumn("action", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("pending_actions").execute();
}
