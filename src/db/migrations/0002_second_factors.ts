import { type Kysely, sql } from "kysely";

// Frozen in time (see 0001). Second-factor methods, SMS challenges, and the per-session code counter.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("second_factors")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("status", "text", (c) => c.notNull())
    // A pending method belongs to the session that started it and dies with it.
    .addColumn("session_id", "text", (c) => c.references("sessions.id").onDelete("cascade"))
    .addColumn("totp_secret_enc", "text")
    .addColumn("totp_last_step", "bigint")
    .addColumn("phone_e164", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("verified_at", "bigint")
    .execute();
  // Exactly one active method per user, enforced by the database itself.
  await db.schema.createIndex("second_factors_one_active").on("second_factors").column("user_id").unique().where(sql.ref("status"), "=", "active").execute();
  await db.schema.createIndex("second_factors_user").on("second_factors").column("user_id").execute();

  await db.schema
    .createTable("sms_challenges")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("session_id", "text", (c) => c.notNull().references("sessions.id").onDelete("cascade"))
    .addColumn("purpose", "text", (c) => c.notNull())
    .addColumn("phone_e164", "text", (c) => c.notNull())
    .addColumn("code_hash", "text", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .addColumn("consumed_at", "bigint")
    .execute();
  await db.schema.createIndex("sms_challenges_session").on("sms_challenges").columns(["session_id", "purpose"]).execute();

  await db.schema.alterTable("sessions").addColumn("code_attempts", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("sessions").addColumn("flash", "text").execute();
  await db.schema.alterTable("users").addColumn("previous_sign_in_at", "bigint").execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("users").dropColumn("previous_sign_in_at").execute();
  await db.schema.alterTable("sessions").dropColumn("flash").execute();
  await db.schema.alterTable("sessions").dropColumn("code_attempts").execute();
  await db.schema.dropTable("sms_challenges").execute();
  await db.schema.dropTable("second_factors").execute();
}
