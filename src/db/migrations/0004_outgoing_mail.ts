import type { Kysely } from "kysely";

// Frozen in time (see 0001). E-mail waiting to be sent: written in the transaction of what it tells,
// delivered (and retried) afterwards, so a slow or failing mail server never blocks a flow.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("outgoing_mail")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("user_id", "text", (c) => c.references("users.id").onDelete("cascade"))
    // A security notification is composed at delivery from its audit event...
    .addColumn("audit_event_id", "text")
    // ...any other message carries its own text (cleared once sent: it may hold a one-time link).
    .addColumn("to_address", "text")
    .addColumn("subject", "text")
    .addColumn("body", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("next_attempt_at", "bigint", (c) => c.notNull())
    .addColumn("sent_at", "bigint")
    .addColumn("last_error", "text")
    .execute();
  await db.schema.createIndex("outgoing_mail_due").on("outgoing_mail").columns(["sent_at", "next_attempt_at"]).execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable("outgoing_mail").execute();
}
