import { randomBytes } from "node:crypto";
import type { Kysely } from "kysely";

// Frozen in time (see 0001). A session's handle: a random, non-secret name for it that the Sessions
// page may show and post back. The session's id is the hash of its token and never leaves the server.
// The column stays nullable because SQLite cannot add a NOT NULL column without a default; every row
// gets a handle here, and every new session gets one where it is created.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sessions").addColumn("handle", "text").execute();
  // Sessions already open keep working: each gets its handle now rather than being ended.
  const rows: { id: string }[] = await db.selectFrom("sessions").select("id").execute();
  for (const { id } of rows) {
    await db.updateTable("sessions").set({ handle: randomBytes(16).toString("hex") }).where("id", "=", id).execute();
  }
  await db.schema.createIndex("sessions_handle").on("sessions").column("handle").unique().execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("sessions_handle").execute();
  await db.schema.alterTable("sessions").dropColumn("handle").execute();
}
