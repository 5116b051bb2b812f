import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { SmsSender } from "./sms-sender.port.ts";
import type { Clock } from "../clock.ts";
import { hashChallengeCode, verifyChallengeCode } from "../crypto/hash.ts";
import { generateDigits } from "../crypto/random.ts";
import type { DB, SmsChallenge, SmsPurpose } from "../db/schema.ts";
import { MAX_CODE_ATTEMPTS } from "./code-attempts.ts";
import { newId } from "./ids.ts";
import { countryOfE164 } from "./phone.ts";
import { release, reserve } from "./throttle.ts";

// An SMS code is 6 digits, valid 10 minutes, single use (NIST SP 800-63B §5.1.3.2 out-of-band secrets).
export const SMS_CODE_DIGITS = 6;
export const SMS_CODE_TTL_MS = 10 * 60_000;
export const RESEND_COOLDOWN_MS = 30_000;

export interface ChallengeDeps extends CoreDeps {
  sms: SmsSender;
  portalName: string;
  /** SMS_ALLOWED_COUNTRIES: ISO 3166 codes codes may be sent to; null = every country. */
  allowedCountries: ReadonlySet<string> | null;
}

const HOUR = 60 * 60_000;
// Cost and toll-fraud control (OWASP SMS pumping guidance): sends counted per number, account and IP.
export const SMS_LIMITS = { perNumber: { limit: 5, windowMs: HOUR }, perAccount: { limit: 10, windowMs: 24 * HOUR }, perIp: { limit: 20, windowMs: HOUR } };

export interface ChallengeTarget {
  userId: string;
  sessionId: string;
  purpose: SmsPurpose;
  phoneE164: string;
  /** The client's address as per-IP limits count it (IPv6 by network: http/ip-group.ts). */
  ip: string | null;
}

export type IssueResult =
  | { ok: true; challenge: SmsChallenge }
  | { ok: false; error: "cooldown"; retryAfterMs: number }
  | { ok: false; error: "send_failed"; cause: unknown }
  | { ok: false; error: "rate_limited"; retryAfterMs: number }
  | { ok: false; error: "country_not_allowed" };

export type VerifyResult = { ok: true; challenge: SmsChallenge } | { ok: false; error: "no_challenge" | "expired" | "too_many" | "wrong" };

export async function findLatestChallenge(db: Kysely<DB>, sessionId: string, purpose: SmsPurpose): Promise<SmsChallenge | undefined> {
  return db
    .selectFrom("sms_challenges")
    .selectAll()
    .where("session_id", "=", sessionId)
    .where("purpose", "=", purpose)
    .where("consumed_at", "is", null)
    .orderBy("created_at", "desc")
    .executeTakeFirst();
}

/** The text: a reset code is called so (PORTAL.md: only the two-factor reset uses "Reset code"). */
export function smsMessage(portalName: string, code: string, purpose: SmsPurpose = "signin"): string {
  const what = purpose === "reset" ? "reset code" : "verification code";
  return `${portalName}: your ${what} is ${code}. It expires in 10 minutes. Never share it with anyone.`;
}

/**
 * Sends a new code, replacing (killing) the one this session had for the same purpose. The new code
 * inherits the tries already used: asking again never resets the count (NIST SP 800-63B-4).
 */
export async function issueSmsChallenge(db: Kysely<DB>, deps: ChallengeDeps, target: ChallengeTarget): Promise<IssueResult> {
  const now = deps.clock.nowMs();
  const previous = await findLatestChallenge(db, target.sessionId, target.purpose);
  if (previous && now - previous.created_at < RESEND_COOLDOWN_MS) return { ok: false, error: "cooldown", retryAfterMs: previous.created_at + RESEND_COOLDOWN_MS - now };
  const country = countryOfE164(target.phoneE164);
  if (deps.allowedCountries && (!country || !deps.allowedCountries.has(country))) return { ok: false, error: "country_not_allowed" };
  const slots = [
    await reserve(db, deps, { key: `sms:number:${target.phoneE164}`, ...SMS_LIMITS.perNumber }),
    await reserve(db, deps, { key: `sms:account:${target.userId}`, ...SMS_LIMITS.perAccount }),
    await reserve(db, deps, { key: `sms:ip:${target.ip ?? "unknown"}`, ...SMS_LIMITS.perIp }),
  ];
  const limits = [SMS_LIMITS.perNumber.limit, SMS_LIMITS.perAccount.limit, SMS_LIMITS.perIp.limit];
  const over = slots.filter((slot, i) => slot.count > limits[i]!);
  const releaseAll = async () => {
    for (const slot of slots) await release(db, slot);
  };
  if (over.length > 0) {
    await releaseAll();
    return { ok: false, error: "rate_limited", retryAfterMs: Math.max(...over.map((slot) => slot.freesAtMs)) - now };
  }
  const id = newId(deps.random);
  const code = generateDigits(deps.random, SMS_CODE_DIGITS);
  const challenge: SmsChallenge = {
    id,
    user_id: target.userId,
    session_id: target.sessionId,
    purpose: target.purpose,
    phone_e164: target.phoneE164,
    code_hash: hashChallengeCode(id, code),
    attempts: previous?.attempts ?? 0,
    created_at: now,
    expires_at: now + SMS_CODE_TTL_MS,
    consumed_at: null,
  };
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("sms_challenges").where("session_id", "=", target.sessionId).where("purpose", "=", target.purpose).execute();
    await trx.insertInto("sms_challenges").values(challenge).execute();
  });
  try {
    await deps.sms.send({ to: target.phoneE164, body: smsMessage(deps.portalName, code, target.purpose) });
  } catch (cause) {
    await db.deleteFrom("sms_challenges").where("id", "=", id).execute();
    await releaseAll();
    return { ok: false, error: "send_failed", cause };
  }
  return { ok: true, challenge };
}

/** Checks a code against this session's latest challenge: expiry, then a try slot, then the code, then single use. */
export async function verifySmsChallenge(db: Kysely<DB>, clock: Clock, sessionId: string, purpose: SmsPurpose, code: string): Promise<VerifyResult> {
  const challenge = await findLatestChallenge(db, sessionId, purpose);
  if (!challenge) return { ok: false, error: "no_challenge" };
  const now = clock.nowMs();
  if (now >= challenge.expires_at) return { ok: false, error: "expired" };
  const slot = await db
    .updateTable("sms_challenges")
    .set((eb) => ({ attempts: eb("attempts", "+", 1) }))
    .where("id", "=", challenge.id)
    .where("attempts", "<", MAX_CODE_ATTEMPTS)
    .where("consumed_at", "is", null)
    .executeTakeFirst();
  if (Number(slot.numUpdatedRows) !== 1) {
    // No slot: the tries are used up, or a concurrent request used (or a resend replaced) the code meanwhile.
    const current = await db.selectFrom("sms_challenges").select("consumed_at").where("id", "=", challenge.id).executeTakeFirst();
    return { ok: false, error: current && current.consumed_at === null ? "too_many" : "no_challenge" };
  }
  if (!verifyChallengeCode(challenge.id, code, challenge.code_hash)) return { ok: false, error: "wrong" };
  const consumed = await db.updateTable("sms_challenges").set({ consumed_at: now }).where("id", "=", challenge.id).where("consumed_at", "is", null).executeTakeFirst();
  if (Number(consumed.numUpdatedRows) !== 1) return { ok: false, error: "no_challenge" };
  return { ok: true, challenge: { ...challenge, consumed_at: now } };
}
