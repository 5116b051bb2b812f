import type { Kysely } from "kysely";

// Frozen in time (see 0001). The fallback phone: the number a lost-device reset code goes to.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").addColumn("fallback_phone_e164", "text").execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("fallback_phone_e164").execute();
}
