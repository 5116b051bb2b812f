import type { Kysely } from "kysely";

// Frozen in time (see 0001). Single sign-on (issue 17):
// - apps: the registered apps (OpenID Connect clients and reverse-proxied apps) and who may use them;
// - oidc_payloads: oidc-provider's storage (codes, tokens, grants, sessions, interactions), one table
//   keyed by model name and id, with the lookups its adapter needs (uid, user code, grant id) indexed
//   and expires_at indexed for pruning;
// - oidc_signing_keys: the provider's private signing keys, sealed with SECRET_KEY;
// - sessions: when the password of this sign-in was verified and which factor completed it (the
//   ID token's auth_time and amr), and where the browser continues after signing in.

// biome-ignore lint: migrations work on an untyped database by design
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable("apps")
    .addColumn("id", "text", (c) => c.primaryKey())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("name_normalized", "text", (c) => c.notNull().unique())
    .addColumn("url", "text", (c) => c.notNull())
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("method", "text", (c) => c.notNull())
    .addColumn("allowed_roles", "text")
    .addColumn("client_id", "text", (c) => c.unique())
    .addColumn("client_secret_hash", "text")
    .addColumn("redirect_uris", "text")
    .addColumn("post_logout_redirect_uris", "text")
    .addColumn("backchannel_logout_uri", "text")
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .addColumn("updated_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("apps_host").on("apps").column("host").execute();

  await db.schema
    .createTable("oidc_payloads")
    .addColumn("model", "text", (c) => c.notNull())
    .addColumn("id", "text", (c) => c.notNull())
    .addColumn("payload", "text", (c) => c.notNull())
    .addColumn("grant_id", "text")
    .addColumn("user_code", "text")
    .addColumn("uid", "text")
    .addColumn("expires_at", "bigint")
    .addColumn("consumed_at", "bigint")
    .addPrimaryKeyConstraint("oidc_payloads_pk", ["model", "id"])
    .execute();
  await db.schema.createIndex("oidc_payloads_grant_id").on("oidc_payloads").column("grant_id").execute();
  await db.schema.createIndex("oidc_payloads_user_code").on("oidc_payloads").columns(["model", "user_code"]).execute();
  await db.schema.createIndex("oidc_payloads_uid").on("oidc_payloads").columns(["model", "uid"]).execute();
  await db.schema.createIndex("oidc_payloads_expires_at").on("oidc_payloads").column("expires_at").execute();

  await db.schema
    .createTable("oidc_signing_keys")
    .addColumn("kid", "text", (c) => c.primaryKey())
    .addColumn("generation", "integer", (c) => c.notNull().unique())
    .addColumn("alg", "text", (c) => c.notNull())
    .addColumn("private_jwk_enc", "text", (c) => c.notNull())
    .addColumn("created_at", "bigint", (c) => c.notNull())
    .execute();

  await db.schema.alterTable("sessions").addColumn("password_verified_at", "bigint").execute();
  await db.schema.alterTable("sessions").addColumn("return_to", "text").execute();
}

// biome-ignore lint: see above
export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable("sessions").dropColumn("return_to").execute();
  await db.schema.alterTable("sessions").dropColumn("password_verified_at").execute();
  for (const table of ["oidc_signing_keys", "oidc_payloads", "apps"]) await db.schema.dropTable(table).execute();
}
