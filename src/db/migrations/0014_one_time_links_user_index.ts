import type { Kysely } from "kysely";

// Frozen in time (see 0001). A user's links by purpose: the console's pending invitations (each page
// reads its 50 users' invitation links), voiding a user's unused links (a resend, a new password-reset
// request) and the cascade when an unused invited account is removed each scanned every link without it.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex("one_time_links_user_purpose").on("one_time_links").columns(["user_id", "purpose"]).execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex("one_time_links_user_purpose").execute();
}
