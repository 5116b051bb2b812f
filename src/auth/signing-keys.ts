import { generateKeyPairSync, type JsonWebKey } from "node:crypto";
import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import { DecryptionError, decryptSecret, encryptSecret, type Keyring, keyIdOf } from "../crypto/encryption.ts";
import type { RandomSource } from "../crypto/random.ts";
import { isUniqueViolation } from "../db/errors.ts";
import type { DB } from "../db/schema.ts";

/** RS256: the algorithm every OpenID Connect relying party must support (OpenID Connect Core §15.1). */
export const SIGNING_ALG = "RS256";
const RSA_MODULUS_BITS = 2048;
/**
 * A key replaced by a newer one stays in the JWKS this long: longer than any token it signed lives
 * (ID tokens: 1 hour, src/features/oidc/provider-config.ts) plus the time relying parties cache a JWKS.
 */
export const RETIRED_KEY_PUBLISHED_MS = 24 * 60 * 60_000;

export interface SigningKeyDeps {
  clock: Clock;
  random: RandomSource;
  keyring: Keyring;
}

export interface SigningJwk extends JsonWebKey {
  kid: string;
  alg: string;
  use: "sig";
}

async function insertKey(db: Kysely<DB>, deps: SigningKeyDeps, generation: number): Promise<string | null> {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: RSA_MODULUS_BITS });
  const kid = deps.random.bytes(12).toString("base64url");
  const jwk = privateKey.export({ format: "jwk" });
  try {
    await db
      .insertInto("oidc_signing_keys")
      .values({ kid, generation, alg: SIGNING_ALG, private_jwk_enc: encryptSecret(deps.keyring, JSON.stringify(jwk), deps.random, kid), created_at: deps.clock.nowMs() })
      .execute();
    return kid;
  } catch (error) {
    // Another instance made this generation first: theirs is the one.
    if (isUniqueViolation(error)) return null;
    throw error;
  }
}

/** Makes the first signing key when there is none (two instances starting at once make one). */
export async function ensureSigningKey(db: Kysely<DB>, deps: SigningKeyDeps): Promise<void> {
  const any = await db.selectFrom("oidc_signing_keys").select("kid").limit(1).executeTakeFirst();
  if (!any) await insertKey(db, deps, 1);
}

/** A new key signs from each instance's next start; the older ones stay published (RETIRED_KEY_PUBLISHED_MS). */
export async function rotateSigningKey(db: Kysely<DB>, deps: SigningKeyDeps): Promise<string> {
  for (;;) {
    const latest = await db.selectFrom("oidc_signing_keys").select("generation").orderBy("generation", "desc").limit(1).executeTakeFirst();
    const kid = await insertKey(db, deps, (latest?.generation ?? 0) + 1);
    if (kid) return kid;
  }
}

/**
 * The keys to publish, newest first (oidc-provider signs with the first key of an algorithm). Keys
 * whose successor has been signing for longer than RETIRED_KEY_PUBLISHED_MS are deleted.
 */
export async function loadSigningJwks(db: Kysely<DB>, deps: SigningKeyDeps): Promise<SigningJwk[]> {
  const rows = await db.selectFrom("oidc_signing_keys").selectAll().orderBy("generation", "desc").execute();
  const now = deps.clock.nowMs();
  const keys: SigningJwk[] = [];
  for (const [index, row] of rows.entries()) {
    const successor = index > 0 ? rows[index - 1] : undefined;
    if (successor && now - successor.created_at > RETIRED_KEY_PUBLISHED_MS) {
      await db.deleteFrom("oidc_signing_keys").where("kid", "=", row.kid).execute();
      continue;
    }
    const jwk = JSON.parse(decryptSecret(deps.keyring, row.private_jwk_enc, row.kid).toString("utf8")) as JsonWebKey;
    keys.push({ ...jwk, kid: row.kid, alg: row.alg, use: "sig" });
  }
  return keys;
}

export interface ResealReport {
  resealed: number;
  alreadyCurrent: number;
  undecryptableKeyIds: string[];
}

/** `gatehouse keys rotate`: seals every signing key again under SECRET_KEY's current key (compare-and-set per row). */
export async function resealSigningKeys(db: Kysely<DB>, deps: { keyring: Keyring; random: RandomSource }): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, alreadyCurrent: 0, undecryptableKeyIds: [] };
  for (const row of await db.selectFrom("oidc_signing_keys").select(["kid", "private_jwk_enc"]).execute()) {
    if (keyIdOf(row.private_jwk_enc) === deps.keyring.current.id) {
      report.alreadyCurrent += 1;
      continue;
    }
    let plaintext: Buffer;
    try {
      plaintext = decryptSecret(deps.keyring, row.private_jwk_enc, row.kid);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      report.undecryptableKeyIds.push(error.reason === "malformed" ? "malformed" : keyIdOf(row.private_jwk_enc));
      continue;
    }
    const sealed = encryptSecret(deps.keyring, plaintext, deps.random, row.kid);
    const updated = await db.updateTable("oidc_signing_keys").set({ private_jwk_enc: sealed }).where("kid", "=", row.kid).where("private_jwk_enc", "=", row.private_jwk_enc).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) report.resealed += 1;
    else report.alreadyCurrent += 1;
  }
  return report;
}
