import type { Kysely } from "kysely";

// Frozen in time (see 0001). More ways to prove the second factor (issue 18): recovery codes, remembered
// browsers, and WebAuthn credentials (passkeys and security keys) under a second factor of kind
// "webauthn" (second_factors.kind is free text: the new kind needs no change there). Sessions record
// how their second factor was proven, and hold the one WebAuthn challenge they have under way.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("recovery_codes")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("used_at", "bigint")
    .execute();
  await db.schema.createIndex("recovery_codes_user").on("recovery_codes").column("user_id").execute();

  await db.schema
    .createTable("remembered_browsers")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("secret_hash", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("ip", "text")
    .addColumn("user_agent", "text")
    .execute();
  await db.schema.createIndex("remembered_browsers_user").on("remembered_browsers").column("user_id").execute();

  await db.schema
    .createTable("webauthn_credentials")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // A passkey belongs to its "webauthn" method: switching to another method removes it with it.
    .addColumn("factor_id", "text", (c) => c.notNull().references("second_factors.id").onDelete("cascade"))
    .addColumn("credential_id", "text", (c) => c.notNull().unique())
    .addColumn("public_key", "text", (c) => c.notNull())
    .addColumn("sign_count", "bigint", (c) => c.notNull())
    .addColumn("transports", "text")
    .addColumn("backed_up", "integer", (c) => c.notNull())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("last_used_at", "bigint")
    .execute();
  await db.schema.createIndex("webauthn_credentials_user").on("webauthn_credentials").column("user_id").execute();

  await db.schema.alterTable("sessions").addColumn("second_factor_method", "text").execute();
  await db.schema.alterTable("sessions").addColumn("webauthn_challenge", "text").execute();
  await db.schema.alterTable("sessions").addColumn("webauthn_challenge_expires_at", "bigint").execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sessions").dropColumn("webauthn_challenge_expires_at").execute();
  await db.schema.alterTable("sessions").dropColumn("webauthn_challenge").execute();
  await db.schema.alterTable("sessions").dropColumn("second_factor_method").execute();
  await db.schema.dropTable("webauthn_credentials").execute();
  await db.schema.dropTable("remembered_browsers").execute();
  await db.schema.dropTable("recovery_codes").execute();
}
