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
      const totp = { secret: readTotpSecret(deps.keyring, factor), code: input.code, nowMs: deps.clock.nowMs(), lastUsedStep: factor.totp_last_step };
      const result = verifyTotp(totp);
      if (result.ok) return (await acceptTotpStep(db, factor.id, result.step)) ? { ok: true } : { ok: false, error: "reused" }; // a concurrent request took this step
      return { ok: false, error: isUsedTotpCode(totp) ? "reused" : "wrong" };
    }
    return verifySmsChallenge(db, deps.clock, input.sessionId, input.smsPurpose, input.code);
  });
}
