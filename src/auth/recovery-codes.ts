import { type Algorithm, hash, verify } from "@node-rs/argon2";
import type { Kysely } from "kysely";
import type { RandomSource } from "../crypto/random.ts";
import { precompiled } from "../db/precompiled.ts";
import type { DB } from "../db/schema.ts";
import type { CoreDeps } from "./deps.ts";
import { newId } from "./ids.ts";
import { inArgon2Slot } from "./password.ts";

export const RECOVERY_CODE_COUNT = 10;

/**
 * 32 symbols without the look-alikes 0/O and 1/I: each symbol is 5 bits, so 10 symbols are 50 bits,
 * read as xxxxx-xxxxx. NIST SP 800-63B-4 §3.1.2 (look-up secrets): at least 20 bits of entropy from
 * an approved random generator; secrets under 112 bits are stored salted and hashed with an approved
 * password hashing scheme, and the verifier rate-limits attempts (here: the second-factor lockout).
 */
export const RECOVERY_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
const CODE_LENGTH = 10;

/**
 * argon2id at a lower cost than passwords (4 MiB, t=1 against 19 MiB, t=2): a code has 50 random
 * bits, so the hash need not make guessing a weak secret slow, only make a database dump useless
 * without 2^50 work. Measured on the shared, loaded 2-core test machine: one verification 19 ms, so a
 * try against ten unused codes at most ~190 ms (test/unit/recovery-codes.test.ts prints the figure).
 */
export const RECOVERY_CODE_ARGON2 = { algorithm: 2 as Algorithm, memoryCost: 4096, timeCost: 1, parallelism: 1 } as const;

export function generateRecoveryCode(random: RandomSource): string {
  let code = "";
  for (let i = 0; i < CODE_LENGTH; i++) code += RECOVERY_CODE_ALPHABET[random.int(RECOVERY_CODE_ALPHABET.length)];
  return `${code.slice(0, 5)}-${code.slice(5)}`;
}

/** Spaces, dashes and case are ignored; anything else that is not ten symbols of the alphabet is null. */
export function normalizeRecoveryCode(input: string): string | null {
  if (input.length > 64) return null;
  const symbols = input.replace(/[\s\-‐-―]/g, "").toUpperCase();
  return new RegExp(`^[${RECOVERY_CODE_ALPHABET}]{${CODE_LENGTH}}$`).test(symbols) ? symbols : null;
}

export function hashRecoveryCode(code: string): Promise<string> {
  return inArgon2Slot(() => hash(normalizeRecoveryCode(code) ?? code, RECOVERY_CODE_ARGON2));
}

/** The user's codes as a fresh set: the old set (used or not) is gone in the same transaction. */
export async function replaceRecoveryCodes(trx: Kysely<DB>, deps: CoreDeps, userId: string, hashes: string[]): Promise<void> {
  const now = deps.clock.nowMs();
  await deleteRecoveryCodes(trx, userId);
  await trx
    .insertInto("recovery_codes")
    .values(hashes.map((code_hash) => ({ id: newId(deps.random), user_id: userId, code_hash, created_at: now, used_at: null })))
    .execute();
}

export async function deleteRecoveryCodes(trx: Kysely<DB>, userId: string): Promise<void> {
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
}

/** How many unused codes the user has, and whether they ever made a set (total 0: none). */
/** Built once (the dashboard asks on every visit); PostgreSQL's count is a bigint, i.e. a string. */
const recoveryCodeCounts = precompiled(["user"], (db, p) =>
  db
    .selectFrom("recovery_codes")
    .select((eb) => [eb.fn.countAll<number | string>().as("total"), eb.fn.count<number | string>("used_at").as("used")])
    .where("user_id", "=", p.user),
);

export async function countRecoveryCodes(db: Kysely<DB>, userId: string): Promise<{ unused: number; total: number }> {
  const [row] = await recoveryCodeCounts(db, { user: userId });
  const total = Number(row?.total ?? 0);
  return { unused: total - Number(row?.used ?? 0), total };
}

/** The id of the unused code that `code` (normalized) is, or null. Each stored hash is checked until one matches. */
export async function findRecoveryCode(db: Kysely<DB>, userId: string, code: string): Promise<string | null> {
  const rows = await db.selectFrom("recovery_codes").select(["id", "code_hash"]).where("user_id", "=", userId).where("used_at", "is", null).execute();
  for (const row of rows) {
    const matches = await inArgon2Slot(() => verify(row.code_hash, code)).catch(() => false);
    if (matches) return row.id;
  }
  return null;
}

/** Compare-and-set: of concurrent uses of one code exactly one returns true. */
export async function useRecoveryCode(trx: Kysely<DB>, codeId: string, nowMs: number): Promise<boolean> {
  const result = await trx.updateTable("recovery_codes").set({ used_at: nowMs }).where("id", "=", codeId).where("used_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
