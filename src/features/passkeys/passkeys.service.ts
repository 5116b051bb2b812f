import type {
  AuthenticationResponseJSON,
  WebAuthnCredential as LibraryCredential,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";
import type { Kysely } from "kysely";
import { recordAuditEvent } from "../../auth/audit.ts";
import type { CoreDeps } from "../../auth/deps.ts";
import { newId } from "../../auth/ids.ts";
import { forgetRememberedBrowsers } from "../../auth/remembered-browsers.ts";
import type { SessionMeta } from "../../auth/session.ts";
import type { DB, User, WebauthnCredential } from "../../db/schema.ts";
import { storeChallenge, takeChallenge } from "./passkey-challenge.ts";

/** Loaded on first use: the library (and its ASN.1 and COSE code) costs every CLI command seconds at start-up otherwise. */
const webauthn = () => import("@simplewebauthn/server");

/** The relying party: PUBLIC_URL's host is the RP ID, its origin the only accepted origin (WebAuthn L2 §5.1.3). */
export interface RelyingParty {
  name: string;
  id: string;
  origin: string;
}

export function relyingParty(config: { portalName: string; publicUrl: URL }): RelyingParty {
  return { name: config.portalName, id: config.publicUrl.hostname, origin: config.publicUrl.origin };
}

const transportsOf = (row: WebauthnCredential) => (row.transports ? (JSON.parse(row.transports) as LibraryCredential["transports"]) : undefined);

export function listPasskeys(db: Kysely<DB>, userId: string): Promise<WebauthnCredential[]> {
  return db.selectFrom("webauthn_credentials").selectAll().where("user_id", "=", userId).orderBy("created_at").execute();
}

/** Options for a new credential (attestation "none", user verification preferred); the challenge is kept on the session. */
export async function registrationOptions(db: Kysely<DB>, deps: CoreDeps, rp: RelyingParty, input: { user: User; sessionId: string }): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const existing = await listPasskeys(db, input.user.id);
  const options = await (await webauthn()).generateRegistrationOptions({
    rpName: rp.name,
    rpID: rp.id,
    userName: input.user.email,
    userDisplayName: input.user.display_name,
    userID: Buffer.from(input.user.id, "hex"),
    attestationType: "none",
    excludeCredentials: existing.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })),
    authenticatorSelection: { residentKey: "preferred", userVerification: "preferred" },
  });
  await storeChallenge(db, input.sessionId, options.challenge, deps.clock.nowMs());
  return options;
}

export async function authenticationOptions(db: Kysely<DB>, deps: CoreDeps, rp: RelyingParty, input: { userId: string; sessionId: string }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  const existing = await listPasskeys(db, input.userId);
  const options = await (await webauthn()).generateAuthenticationOptions({ rpID: rp.id, allowCredentials: existing.map((row) => ({ id: row.credential_id, transports: transportsOf(row) })), userVerification: "preferred" });
  await storeChallenge(db, input.sessionId, options.challenge, deps.clock.nowMs());
  return options;
}

function parseJson<T>(text: string): T | null {
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === "object" ? (value as T) : null;
  } catch {
    return null;
  }
}

/** Verifies a new credential against the session's challenge and stores it under `factorId`. False: not accepted. */
export async function addPasskey(db: Kysely<DB>, deps: CoreDeps, rp: RelyingParty, input: { userId: string; sessionId: string; factorId: string; name: string; response: string; meta: SessionMeta }): Promise<boolean> {
  const response = parseJson<RegistrationResponseJSON>(input.response);
  const challenge = await takeChallenge(db, input.sessionId, deps.clock.nowMs());
  if (!response || !challenge) return false;
  const verified = await (await webauthn()).verifyRegistrationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, requireUserVerification: false }).catch(() => null);
  if (!verified?.verified) return false;
  const { credential, credentialBackedUp } = verified.registrationInfo;
  const now = deps.clock.nowMs();
  return db.transaction().execute(async (trx) => {
    const taken = await trx.selectFrom("webauthn_credentials").select("id").where("credential_id", "=", credential.id).executeTakeFirst();
    if (taken) return false;
    await trx
      .insertInto("webauthn_credentials")
      .values({
        id: newId(deps.random),
        user_id: input.userId,
        factor_id: input.factorId,
        credential_id: credential.id,
        public_key: Buffer.from(credential.publicKey).toString("base64url"),
        sign_count: credential.counter,
        transports: credential.transports ? JSON.stringify(credential.transports) : null,
        backed_up: credentialBackedUp ? 1 : 0,
        name: input.name,
        created_at: now,
        last_used_at: null,
      })
      .execute();
    // A change of factor: every remembered browser must prove it again.
    await forgetRememberedBrowsers(trx, input.userId);
    await recordAuditEvent(trx, deps, { type: "passkey.added", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta, detail: { name: input.name } });
    return true;
  });
}

export type PasskeyCheck = "ok" | "refused" | "counter";

/**
 * Checks an assertion against the session's challenge (single use) and the user's own credentials.
 * WebAuthn L3 §6.1.1: a signature counter that does not grow signals a cloned authenticator, except on
 * synced (backed-up) credentials whose counters are not kept in step (often always 0): for those the
 * check is skipped. A refusal for the counter is audited and e-mailed.
 */
export async function checkPasskey(db: Kysely<DB>, deps: CoreDeps, rp: RelyingParty, input: { userId: string; sessionId: string; response: string; meta: SessionMeta }): Promise<PasskeyCheck> {
  const response = parseJson<AuthenticationResponseJSON>(input.response);
  const challenge = await takeChallenge(db, input.sessionId, deps.clock.nowMs());
  if (!response || typeof response.id !== "string" || !challenge) return "refused";
  const row = await db.selectFrom("webauthn_credentials").selectAll().where("user_id", "=", input.userId).where("credential_id", "=", response.id).executeTakeFirst();
  if (!row) return "refused";
  const credential = { id: row.credential_id, publicKey: Buffer.from(row.public_key, "base64url"), counter: row.backed_up ? 0 : row.sign_count, transports: transportsOf(row) };
  let verified: Awaited<ReturnType<Awaited<ReturnType<typeof webauthn>>["verifyAuthenticationResponse"]>>;
  try {
    verified = await (await webauthn()).verifyAuthenticationResponse({ response, expectedChallenge: challenge, expectedOrigin: rp.origin, expectedRPID: rp.id, credential, requireUserVerification: false });
  } catch (error) {
    if (!(error instanceof Error && /counter value/i.test(error.message))) return "refused";
    await recordAuditEvent(db, deps, { type: "passkey.counter_rejected", actorUserId: null, subjectUserId: input.userId, ...input.meta, detail: { name: row.name, stored_counter: row.sign_count } });
    return "counter";
  }
  if (!verified.verified) return "refused";
  const { newCounter, credentialBackedUp } = verified.authenticationInfo;
  // Compare-and-set on the counter: of two concurrent assertions with one counter value, one wins.
  const updated = await db
    .updateTable("webauthn_credentials")
    .set({ sign_count: Math.max(newCounter, row.sign_count), backed_up: credentialBackedUp ? 1 : 0, last_used_at: deps.clock.nowMs() })
    .where("id", "=", row.id)
    .where("sign_count", "=", row.sign_count)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1 ? "ok" : "refused";
}

/** Removes one of the user's passkeys, never the last while passkeys are the enabled method. */
export async function removePasskey(db: Kysely<DB>, deps: CoreDeps, input: { userId: string; id: string; meta: SessionMeta }): Promise<"removed" | "last" | "unknown"> {
  return db.transaction().execute(async (trx) => {
    const rows = await trx.selectFrom("webauthn_credentials").select(["id", "name"]).where("user_id", "=", input.userId).execute();
    const row = rows.find((candidate) => candidate.id === input.id);
    if (!row) return "unknown";
    if (rows.length === 1) return "last";
    await trx.deleteFrom("webauthn_credentials").where("id", "=", row.id).where("user_id", "=", input.userId).execute();
    await forgetRememberedBrowsers(trx, input.userId);
    await recordAuditEvent(trx, deps, { type: "passkey.removed", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta, detail: { name: row.name } });
    return "removed";
  });
}
