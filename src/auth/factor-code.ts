import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { Keyring } from "../crypto/encryption.ts";
import type { DB, SecondFactor, SmsPurpose } from "../db/schema.ts";
import { secondFactorAttempt } from "./lockout.ts";
import { acceptTotpStep, readTotpSecret } from "./second-factor.ts";
import type { SessionMeta } from "./session.ts";
import { type VerifyResult, verifySmsChallenge } from "./sms-challenge.ts";
import { isUsedTotpCode, verifyTotp } from "./totp.ts";

/** "reused": the right app code of a step already accepted (RFC 6238 §5.2 refuses it; the user is told so). */
export type CodeError = "wrong" | "reused" | "expired" | "too_many" | "no_challenge" | "locked";
export type FactorCodeResult = { ok: true } | { ok: false; error: CodeError };

type Deps = CoreDeps & { keyring: Keyring };

/**
 * Every code that proves the account's second factor (sign-in, step-up, password reset, reset code)
 * goes through here: the account-wide failure limit (10 in 15 minutes, across sessions and addresses)
 * is checked and counted around the check itself.
 */
export async function guardSecondFactor(
  db: Kysely<DB>,
  deps: Deps | Omit<Deps, "keyring">,
  input: { userId: string; meta: SessionMeta },
  check: () => Promise<FactorCodeResult | VerifyResult>,
): Promise<FactorCodeResult> {
  const attempt = await secondFactorAttempt(db, deps, input.userId, input.meta);
  if (!attempt.allowed) return { ok: false, error: "locked" };
  const result = await check();
  if (result.ok) await attempt.succeeded();
  // A reused code counts as a failed guess too: it proves nothing now, and it is rare for a real user.
  else if (result.error === "wrong" || result.error === "reused") await attempt.failed();
  else await attempt.succeeded(); // expired or missing codes are not guesses: give the slot back
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}

/**
 * Checks a code against the user's active method: the app's current step ±1, recorded with a
 * compare-and-set so it is accepted once; or this session's SMS challenge for `purpose`.
 */
export async function verifyActiveFactorCode(
  db: Kysely<DB>,
  deps: Deps,
  input: { factor: SecondFactor; sessionId: string; smsPurpose: SmsPurpose; code: string; meta: SessionMeta },
): Promise<FactorCodeResult> {
  const { factor } = input;
  return guardSecondFactor(db, deps, { userId: factor.user_id, meta: input.meta }, async () => {
    if (factor.kind === "totp") {
      const checked = checkAppCode(deps, factor, input.code);
      if (!checked.ok) return checked;
      return (await acceptTotpStep(db, factor.id, checked.step)) ? { ok: true } : { ok: false, error: "reused" }; // a concurrent request took this step
    }
    return verifySmsChallenge(db, deps.clock, input.sessionId, input.smsPurpose, input.code);
  });
}

/**
 * A right code whose record is left to the caller's transaction: `commit(trx)` takes the proof (the app
 * step's compare-and-set) and gives the failure slot back; false means a concurrent request took the
 * step first, and `taken()` then counts the failure as a reused code does.
 */
export interface PendingProof {
  ok: true;
  commit(trx: Kysely<DB>): Promise<boolean>;
  taken(): Promise<void>;
}

/**
 * verifyActiveFactorCode for the sign-in step, the hot path (bench/README.md): a right app code is
 * recorded in the transaction that completes the sign-in, with the failure slot given back, one commit
 * where there were three. Other methods are checked and recorded as verifyActiveFactorCode does.
 */
export async function proveSignInCode(
  db: Kysely<DB>,
  deps: Deps,
  input: { factor: SecondFactor; sessionId: string; code: string; meta: SessionMeta },
): Promise<PendingProof | { ok: false; error: CodeError }> {
  const { factor } = input;
  if (factor.kind !== "totp") {
    const result = await verifyActiveFactorCode(db, deps, { ...input, smsPurpose: "signin" });
    return result.ok ? { ok: true, commit: async () => true, taken: async () => {} } : result;
  }
  const attempt = await secondFactorAttempt(db, deps, factor.user_id, input.meta);
  if (!attempt.allowed) return { ok: false, error: "locked" };
  const checked = checkAppCode(deps, factor, input.code);
  if (!checked.ok) {
    await attempt.failed();
    return checked;
  }
  return {
    ok: true,
    commit: async (trx) => {
      if (!(await acceptTotpStep(trx, factor.id, checked.step))) return false;
      await attempt.succeeded(trx);
      return true;
    },
    taken: () => attempt.failed(),
  };
}

/** An app code against the factor's key and last accepted step (RFC 6238 §5.2: a step is accepted once). */
function checkAppCode(deps: Deps, factor: SecondFactor, code: string): { ok: true; step: number } | { ok: false; error: "wrong" | "reused" } {
  const totp = { secret: readTotpSecret(deps.keyring, factor), code, nowMs: deps.clock.nowMs(), lastUsedStep: factor.totp_last_step };
  const result = verifyTotp(totp);
  if (result.ok) return { ok: true, step: result.step };
  return { ok: false, error: isUsedTotpCode(totp) ? "reused" : "wrong" };
}
