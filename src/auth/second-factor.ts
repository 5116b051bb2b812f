import type { CoreDeps } from "./deps.ts";
import { type Kysely, sql } from "kysely";
import type { Clock } from "../clock.ts";
import { decryptSecret, encryptSecret, type Keyring } from "../crypto/encryption.ts";
import type { DB, SecondFactor, SecondFactorKind } from "../db/schema.ts";
import { newId } from "./ids.ts";
import { generateTotpSecret } from "./totp.ts";

/** A set-up must be finished within 10 minutes, like the SMS code it may wait for; then it starts over. */
export const SETUP_TTL_MS = 10 * 60_000;

export type FactorDeps = CoreDeps & { keyring: Keyring };

export async function findActiveFactor(db: Kysely<DB>, userId: string): Promise<SecondFactor | undefined> {
  // A literal, not a parameter: only then can SQLite use the partial index on active factors (twice as fast).
  return db.selectFrom("second_factors").selectAll().where("user_id", "=", userId).where("status", "=", sql.lit("active")).executeTakeFirst();
}

/** The set-up this session has under way for `kind`, if it has not expired. */
export async function findPendingFactor(db: Kysely<DB>, clock: Clock, sessionId: string, kind: SecondFactorKind): Promise<SecondFactor | undefined> {
  return db
    .selectFrom("second_factors")
    .selectAll()
    .where("session_id", "=", sessionId)
    .where("kind", "=", kind)
    .where("status", "=", "pending")
    .where("expires_at", ">", clock.nowMs())
    .executeTakeFirst();
}

/** Whether this session had a set-up of `kind` that ran out of time (to say so, rather than start silently over). */
export async function hasExpiredPendingFactor(db: Kysely<DB>, clock: Clock, sessionId: string, kind: SecondFactorKind): Promise<boolean> {
  const row = await db
    .selectFrom("second_factors")
    .select("id")
    .where("session_id", "=", sessionId)
    .where("kind", "=", kind)
    .where("status", "=", "pending")
    .where("expires_at", "<=", clock.nowMs())
    .executeTakeFirst();
  return row !== undefined;
}

/** One set-up at a time per session: starting one discards any other this session had. */
async function insertPendingFactor(db: Kysely<DB>, deps: CoreDeps, factor: Omit<SecondFactor, "status" | "created_at" | "expires_at" | "verified_at" | "totp_last_step">): Promise<SecondFactor> {
  const now = deps.clock.nowMs();
  const row: SecondFactor = { ...factor, status: "pending", created_at: now, expires_at: now + SETUP_TTL_MS, verified_at: null, totp_last_step: null };
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("second_factors").where("session_id", "=", factor.session_id).where("status", "=", "pending").execute();
    await trx.insertInto("second_factors").values(row).execute();
  });
  return row;
}

/** A fresh 160-bit secret (RFC 4226 §4), encrypted at rest with the factor id as associated data. */
export async function startTotpSetup(db: Kysely<DB>, deps: FactorDeps, userId: string, sessionId: string): Promise<{ factor: SecondFactor; secret: Buffer }> {
  const id = newId(deps.random);
  const secret = generateTotpSecret(deps.random);
  const factor = await insertPendingFactor(db, deps, {
    id,
    user_id: userId,
    kind: "totp",
    session_id: sessionId,
    totp_secret_enc: encryptSecret(deps.keyring, secret, deps.random, id),
    phone_e164: null,
  });
  return { factor, secret };
}

export async function startSmsSetup(db: Kysely<DB>, deps: FactorDeps, userId: string, sessionId: string, phoneE164: string): Promise<SecondFactor> {
  return insertPendingFactor(db, deps, { id: newId(deps.random), user_id: userId, kind: "sms", session_id: sessionId, totp_secret_enc: null, phone_e164: phoneE164 });
}

/** A passkey set-up: the factor row waits for its first credential (webauthn_credentials) to be verified. */
export async function startWebauthnSetup(db: Kysely<DB>, deps: FactorDeps | CoreDeps, userId: string, sessionId: string): Promise<SecondFactor> {
  return insertPendingFactor(db, deps, { id: newId(deps.random), user_id: userId, kind: "webauthn", session_id: sessionId, totp_secret_enc: null, phone_e164: null });
}

export function readTotpSecret(keyring: Keyring, factor: SecondFactor): Buffer {
  if (!factor.totp_secret_enc) throw new TypeError("not an authenticator-app factor");
  return decryptSecret(keyring, factor.totp_secret_enc, factor.id);
}

/**
 * Makes a verified set-up the user's one active method, removing every other (the old method stays
 * until this moment, so an abandoned change never locks anyone out). Compare-and-set on the pending
 * row: of concurrent activations exactly one returns true. Run inside a transaction.
 */
export async function activateFactor(trx: Kysely<DB>, factor: SecondFactor, nowMs: number, totpStep: number | null): Promise<boolean> {
  // Lock the user's row first (a no-op update: the row lock both dialects accept). Without it two
  // set-ups of one user each claim their own row and then wait on the other's: a deadlock on PostgreSQL.
  await trx.updateTable("users").set((eb) => ({ last_sign_in_at: eb.ref("last_sign_in_at") })).where("id", "=", factor.user_id).execute();
  const claimed = await trx
    .updateTable("second_factors")
    .set({ session_id: null, expires_at: null })
    .where("id", "=", factor.id)
    .where("status", "=", "pending")
    .where("session_id", "is not", null)
    .executeTakeFirst();
  if (Number(claimed.numUpdatedRows) !== 1) return false;
  await trx.deleteFrom("second_factors").where("user_id", "=", factor.user_id).where("id", "!=", factor.id).execute();
  await trx.updateTable("second_factors").set({ status: "active", verified_at: nowMs, totp_last_step: totpStep }).where("id", "=", factor.id).execute();
  return true;
}

/** Records an accepted TOTP step unless that step (or a later one) was already used: replay protection. */
export async function acceptTotpStep(db: Kysely<DB>, factorId: string, step: number): Promise<boolean> {
  const result = await db
    .updateTable("second_factors")
    .set({ totp_last_step: step })
    .where("id", "=", factorId)
    .where("status", "=", "active")
    .where((eb) => eb.or([eb("totp_last_step", "is", null), eb("totp_last_step", "<", step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A resent code gets its full 10 minutes: the set-up it belongs to lives at least as long. */
export async function extendPendingFactor(db: Kysely<DB>, factorId: string, untilMs: number): Promise<void> {
  await db.updateTable("second_factors").set({ expires_at: untilMs }).where("id", "=", factorId).where("status", "=", "pending").where("expires_at", "<", untilMs).execute();
}
