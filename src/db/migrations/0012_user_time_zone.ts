import type { Kysely } from "kysely";

// Frozen in time (see 0001). The time zone a user chose on "Profile" (an IANA name such as
// "Europe/Berlin"); null: times follow the browser's zone (PORTAL.md §6).

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("time_zone", "text").execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("time_zone").execute();
}
