import type { Kysely } from "kysely";
import { DecryptionError, decryptSecret, encryptSecret, type Keyring, keyIdOf } from "../crypto/encryption.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { DB } from "../db/schema.ts";

/** Rows read at a time: memory stays flat however many factors there are. */
export const ROTATION_BATCH_SIZE = 200;

export interface RotationReport {
  /** Secrets this run sealed again under the current key. */
  reencrypted: number;
  /** Secrets already under the current key (an earlier or a concurrent run did them, or they are new). */
  alreadyCurrent: number;
  /** Secrets no configured key opens: left as they are. */
  undecryptable: number;
  /** The key ids those name ("malformed" for a blob that names none), to say which key is missing. */
  undecryptableKeyIds: string[];
}

type RowOutcome = { kind: "reencrypted" | "current" | "gone" } | { kind: "undecryptable"; keyId: string };

/**
 * Re-encrypts every stored authenticator-app secret (active and pending) under the keyring's current
 * key. Rows are read in id order, a batch at a time, and each is written with a compare-and-set on the
 * blob it was read with, so a run can be repeated, run twice at once, or stopped at any point and
 * started again: a row is only ever replaced by the same secret under the newest key.
 */
export async function rotateSecondFactorSecrets(db: Kysely<DB>, deps: { keyring: Keyring; random: RandomSource }, batchSize = ROTATION_BATCH_SIZE): Promise<RotationReport> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new TypeError("batchSize must be a positive integer");
  const report: RotationReport = { reencrypted: 0, alreadyCurrent: 0, undecryptable: 0, undecryptableKeyIds: [] };
  let afterId = "";
  for (;;) {
    const rows = await db.selectFrom("second_factors").select(["id", "totp_secret_enc"]).where("totp_secret_enc", "is not", null).where("id", ">", afterId).orderBy("id").limit(batchSize).execute();
    for (const row of rows) {
      const outcome = await rotateRow(db, deps, row.id, row.totp_secret_enc!);
      if (outcome.kind === "reencrypted") report.reencrypted += 1;
      else if (outcome.kind === "current") report.alreadyCurrent += 1;
      else if (outcome.kind === "undecryptable") {
        report.undecryptable += 1;
        if (!report.undecryptableKeyIds.includes(outcome.keyId)) report.undecryptableKeyIds.push(outcome.keyId);
      }
    }
    if (rows.length < batchSize) return report;
    afterId = rows.at(-1)!.id;
  }
}

async function rotateRow(db: Kysely<DB>, deps: { keyring: Keyring; random: RandomSource }, id: string, blob: string): Promise<RowOutcome> {
  // The factor id is the associated data the secret was sealed with (src/auth/second-factor.ts).
  for (let seen = blob; ; ) {
    let secret: Buffer;
    try {
      secret = decryptSecret(deps.keyring, seen, id);
    } catch (error) {
      if (!(error instanceof DecryptionError)) throw error;
      return { kind: "undecryptable", keyId: error.reason === "malformed" ? "malformed" : keyIdOf(seen) };
    }
    if (keyIdOf(seen) === deps.keyring.current.id) return { kind: "current" };
    const sealed = encryptSecret(deps.keyring, secret, deps.random, id);
    const updated = await db.updateTable("second_factors").set({ totp_secret_enc: sealed }).where("id", "=", id).where("totp_secret_enc", "=", seen).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 1) return { kind: "reencrypted" };
    // Changed since it was read (another run sealed it, or the factor was removed): look again.
    const now = await db.selectFrom("second_factors").select("totp_secret_enc").where("id", "=", id).executeTakeFirst();
    if (!now?.totp_secret_enc) return { kind: "gone" };
    seen = now.totp_secret_enc;
  }
}
