import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { Keyring } from "../crypto/encryption.ts";
import type { DB, SecondFactor, SmsPurpose } from "../db/schema.ts";
import { acceptTotpStep, readTotpSecret } from "./second-factor.ts";
import { verifySmsChallenge } from "./sms-challenge.ts";
import { verifyTotp } from "./totp.ts";

export type FactorCodeResult = { ok: true } | { ok: false; error: "wrong" | "expired" | "too_many" | "no_challenge" };

/**
 * Checks a code against the user's active method: the app's current step ±1, recorded with a
 * compare-and-set so it is accepted once; or this session's SMS challenge for `purpose`.
 */
export async function verifyActiveFactorCode(
  db: Kysely<DB>,
  deps: { clock: Clock; keyring: Keyring },
  input: { factor: SecondFactor; sessionId: string; smsPurpose: SmsPurpose; code: string },
): Promise<FactorCodeResult> {
  const { factor } = input;
  if (factor.kind === "totp") {
    const result = verifyTotp({ secret: readTotpSecret(deps.keyring, factor), code: input.code, nowMs: deps.clock.nowMs(), lastUsedStep: factor.totp_last_step });
    return result.ok && (await acceptTotpStep(db, factor.id, result.step)) ? { ok: true } : { ok: false, error: "wrong" };
  }
  const result = await verifySmsChallenge(db, deps.clock, input.sessionId, input.smsPurpose, input.code);
  return result.ok ? { ok: true } : { ok: false, error: result.error };
}
