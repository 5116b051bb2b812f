import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { DB } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import type { SessionMeta } from "./session.ts";
import { clearKey, countHits, lockedUntil, lockOnce, oldestHitAt, release, reserve, type Reservation } from "./throttle.ts";

const MINUTE = 60_000;

// OWASP Authentication Cheat Sheet (account lockout) and NIST SP 800-63B §5.2.2 (rate limiting):
// 10 failures in 15 minutes lock the step for 15 minutes; never more than 100 consecutive failures.
export const PASSWORD_FAILURES = { limit: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
export const PASSWORD_STREAK_MAX = 100;
export const LOGIN_IP_FAILURES = { limit: 50, windowMs: 15 * MINUTE };
export const SECOND_FACTOR_FAILURES = { limit: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
const FOREVER_MS = 100 * 365 * 24 * 60 * MINUTE;

type Deps = { clock: Clock; random: RandomSource };

/**
 * One guarded attempt: a failure slot is reserved *before* the check (so concurrent attempts cannot
 * slip past the limit), given back on success (throttles count failures only), and the step locks
 * itself when the last allowed failure is used.
 */
export interface Attempt {
  allowed: boolean;
  /** When refused: until when. */
  retryAtMs: number | null;
  succeeded(): Promise<void>;
  failed(): Promise<void>;
}

interface Rule {
  failKey: string;
  lockKey: string;
  limit: number;
  windowMs: number;
  lockMs: number;
  onLock: () => Promise<void>;
}

async function attempt(db: Kysely<DB>, deps: Deps, rule: Rule): Promise<Attempt> {
  const until = await lockedUntil(db, deps.clock, rule.lockKey, rule.lockMs);
  const noop = async () => {};
  if (until !== null) return { allowed: false, retryAtMs: until, succeeded: noop, failed: noop };
  const slot: Reservation = await reserve(db, deps, { key: rule.failKey, limit: rule.limit, windowMs: rule.windowMs });
  if (slot.count > rule.limit) {
    await release(db, slot);
    return { allowed: false, retryAtMs: deps.clock.nowMs() + rule.lockMs, succeeded: noop, failed: noop };
  }
  return {
    allowed: true,
    retryAtMs: null,
    succeeded: () => release(db, slot),
    failed: async () => {
      // Counted again after the check: concurrent failures may each have seen another count.
      const since = deps.clock.nowMs() - rule.windowMs;
      if ((await countHits(db, rule.failKey, since)) < rule.limit) return;
      const runStartedAt = await oldestHitAt(db, rule.failKey, since);
      if (await lockOnce(db, deps.clock, rule.lockKey, String(runStartedAt))) await rule.onLock();
    },
  };
}

/** The password step of one account (in addition to the per-IP limit on /login). */
export async function passwordAttempt(db: Kysely<DB>, deps: Deps, userId: string, meta: SessionMeta): Promise<Attempt> {
  const streakKey = `pw-streak:${userId}`;
  const noop = async () => {};
  // 100 consecutive failures: refused until the password is reset (NIST SP 800-63B §5.2.2).
  if ((await countHits(db, streakKey)) >= PASSWORD_STREAK_MAX) return { allowed: false, retryAtMs: null, succeeded: noop, failed: noop };
  const inner = await attempt(db, deps, {
    failKey: `pw-fail:${userId}`,
    lockKey: `pw-lock:${userId}`,
    ...PASSWORD_FAILURES,
    onLock: () => recordAuditEvent(db, deps, { type: "account.locked", actorUserId: null, subjectUserId: userId, ip: meta.ip, userAgent: meta.userAgent, detail: { step: "password" } }),
  });
  return {
    ...inner,
    succeeded: async () => {
      await inner.succeeded();
      await clearKey(db, streakKey);
    },
    failed: async () => {
      await inner.failed();
      await reserve(db, deps, { key: streakKey, limit: PASSWORD_STREAK_MAX, windowMs: FOREVER_MS });
    },
  };
}

/** Failed sign-ins from one address, across accounts. Successes are given back. */
export async function loginIpAttempt(db: Kysely<DB>, deps: Deps, ip: string | null): Promise<Attempt> {
  const key = `login-ip:${ip ?? "unknown"}`;
  const slot = await reserve(db, deps, { key, ...LOGIN_IP_FAILURES });
  const noop = async () => {};
  if (slot.count > LOGIN_IP_FAILURES.limit) {
    await release(db, slot);
    return { allowed: false, retryAtMs: slot.freesAtMs, succeeded: noop, failed: noop };
  }
  return { allowed: true, retryAtMs: null, succeeded: () => release(db, slot), failed: noop };
}

/** Second-factor codes of one account (app, SMS, reset code), across all its sessions and addresses. */
export function secondFactorAttempt(db: Kysely<DB>, deps: Deps, userId: string, meta: SessionMeta): Promise<Attempt> {
  return attempt(db, deps, {
    failKey: `2fa-fail:${userId}`,
    lockKey: `2fa-lock:${userId}`,
    ...SECOND_FACTOR_FAILURES,
    onLock: () => recordAuditEvent(db, deps, { type: "account.locked", actorUserId: null, subjectUserId: userId, ip: meta.ip, userAgent: meta.userAgent, detail: { step: "second_factor" } }),
  });
}

/** A password reset by e-mail link (which also proved the second factor) ends a streak of failures. */
export async function clearPasswordFailures(db: Kysely<DB>, userId: string): Promise<void> {
  for (const key of [`pw-streak:${userId}`, `pw-fail:${userId}`, `pw-lock:${userId}`]) await clearKey(db, key);
}
