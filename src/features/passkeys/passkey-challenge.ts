import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";

/** A ceremony must be answered within 5 minutes (the WebAuthn default timeout is of that order). */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** The session's one WebAuthn challenge: a new one replaces any earlier (only the latest page's answer counts). */
export async function storeChallenge(db: Kysely<DB>, sessionId: string, challenge: string, nowMs: number): Promise<void> {
  await db.updateTable("sessions").set({ webauthn_challenge: challenge, webauthn_challenge_expires_at: nowMs + CHALLENGE_TTL_MS }).where("id", "=", sessionId).execute();
}

/**
 * Takes the session's live challenge with a compare-and-set (cleared as it is read): an answer is
 * checked against a challenge once, so a replayed assertion meets no challenge at all.
 */
export async function takeChallenge(db: Kysely<DB>, sessionId: string, nowMs: number): Promise<string | null> {
  const row = await db.selectFrom("sessions").select(["webauthn_challenge", "webauthn_challenge_expires_at"]).where("id", "=", sessionId).executeTakeFirst();
  const challenge = row?.webauthn_challenge;
  if (!challenge) return null;
  const cleared = await db
    .updateTable("sessions")
    .set({ webauthn_challenge: null, webauthn_challenge_expires_at: null })
    .where("id", "=", sessionId)
    .where("webauthn_challenge", "=", challenge)
    .executeTakeFirst();
  if (Number(cleared.numUpdatedRows) !== 1) return null;
  return (row.webauthn_challenge_expires_at ?? 0) > nowMs ? challenge : null;
}
