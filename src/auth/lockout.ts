import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { DB } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import type { SessionMeta } from "./session.ts";
import { clearKey, type HitStats, type HitWindow, hitStats, lockOnce, pruneHits, recordHit, release, reserve } from "./throttle.ts";

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
 * One guarded attempt: a failure slot is recorded *before* the check (so concurrent attempts cannot
 * slip past the limit), given back on success (throttles count failures only), and the step locks
 * itself when the last allowed failure is used. Two statements before the check (record, then count
 * everything that decides in one query), one after a success: sign-in is the hot path (bench/README.md).
 */
export interface Attempt {
  allowed: boolean;
  /** When refused: until when. */
  retryAtMs: number | null;
  /** `db` may be a transaction that also records the success. */
  succeeded(db?: Kysely<DB>): Promise<void>;
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

const noop = async () => {};
const refused = (retryAtMs: number | null): Attempt => ({ allowed: false, retryAtMs, succeeded: noop, failed: noop });

/** `refuse`: whether other counts fetched in the same query (`extra`) refuse the attempt anyway. */
async function attempt(db: Kysely<DB>, deps: Deps, rule: Rule, extra: { windows: HitWindow[]; refuse: (stats: (key: string) => HitStats) => boolean } | null = null): Promise<Attempt> {
  const slotId = await recordHit(db, deps, rule.failKey);
  const now = deps.clock.nowMs();
  const stats = await hitStats(db, [{ key: rule.failKey, sinceMs: now - rule.windowMs }, { key: rule.lockKey, sinceMs: now - rule.lockMs }, ...(extra?.windows ?? [])]);
  const lockedAt = stats(rule.lockKey).newestAtMs;
  const refusal = extra?.refuse(stats) ? null : lockedAt !== null ? lockedAt + rule.lockMs : stats(rule.failKey).count > rule.limit ? now + rule.lockMs : undefined;
  if (refusal !== undefined) {
    await release(db, { id: slotId });
    return refused(refusal);
  }
  return {
    allowed: true,
    retryAtMs: null,
    succeeded: (executor = db) => release(executor, { id: slotId }),
    failed: async () => {
      // Counted again after the check: concurrent failures may each have seen another count.
      const since = deps.clock.nowMs() - rule.windowMs;
      const failures = (await hitStats(db, [{ key: rule.failKey, sinceMs: since }]))(rule.failKey);
      if (failures.count >= rule.limit && (await lockOnce(db, deps.clock, rule.lockKey, String(failures.oldestAtMs)))) await rule.onLock();
      // Failures are what stays behind: forget this key's old ones while here.
      await pruneHits(db, deps.clock, rule.failKey, rule.windowMs);
    },
  };
}

/** The password step of one account (in addition to the per-IP limit on /login). */
export async function passwordAttempt(db: Kysely<DB>, deps: Deps, userId: string, meta: SessionMeta): Promise<Attempt> {
  const streakKey = `pw-streak:${userId}`;
  let streak = 0;
  const inner = await attempt(
    db,
    deps,
    {
      failKey: `pw-fail:${userId}`,
      lockKey: `pw-lock:${userId}`,
      ...PASSWORD_FAILURES,
      onLock: () => recordAuditEvent(db, deps, { type: "account.locked", actorUserId: null, subjectUserId: userId, ip: meta.ip, userAgent: meta.userAgent, detail: { step: "password" } }),
    },
    {
      windows: [{ key: streakKey, sinceMs: 0 }],
      // 100 consecutive failures: refused until the password is reset (NIST SP 800-63B §5.2.2).
      refuse: (stats) => (streak = stats(streakKey).count) >= PASSWORD_STREAK_MAX,
    },
  );
  if (!inner.allowed) return inner;
  return {
    ...inner,
    succeeded: async (executor = db) => {
      await inner.succeeded(executor);
      if (streak > 0) await clearKey(executor, streakKey);
    },
    failed: async () => {
      await inner.failed();
      await recordHit(db, deps, streakKey);
    },
  };
}

/** Failed sign-ins from one address, across accounts. Successes are given back. */
export async function loginIpAttempt(db: Kysely<DB>, deps: Deps, ip: string | null): Promise<Attempt> {
  const key = `login-ip:${ip ?? "unknown"}`;
  const slot = await reserve(db, deps, { key, ...LOGIN_IP_FAILURES }, { prune: false });
  if (slot.count > LOGIN_IP_FAILURES.limit) {
    await release(db, slot);
    return refused(slot.freesAtMs);
  }
  return { allowed: true, retryAtMs: null, succeeded: (executor = db) => release(executor, slot), failed: () => pruneHits(db, deps.clock, key, LOGIN_IP_FAILURES.windowMs) };
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
