import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { limitGroupKey, type SessionMeta } from "./session.ts";
import { clearKey, type HitStats, type HitWindow, hitStats, lockOnce, pruneHits, recordHits, releaseHits } from "./throttle.ts";

const MINUTE = 60_000;

// OWASP Authentication Cheat Sheet (account lockout) and NIST SP 800-63B §5.2.2 (rate limiting):
// 10 failures in 15 minutes lock the step for 15 minutes; never more than 100 consecutive failures.
export const PASSWORD_FAILURES = { limit: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
export const PASSWORD_STREAK_MAX = 100;
export const LOGIN_IP_FAILURES = { limit: 50, windowMs: 15 * MINUTE };
export const SECOND_FACTOR_FAILURES = { limit: 10, windowMs: 15 * MINUTE, lockMs: 15 * MINUTE };
/** Consecutive wrong codes that lock the second-factor step until a reset (NIST SP 800-63B §5.2.2: at most 100). */
export const SECOND_FACTOR_STREAK_MAX = 100;

type Deps = CoreDeps;

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
  /** Consecutive failures (never forgotten by time; a success ends them): `max` of them refuse for good. */
  streak?: { key: string; max: number; onReached: () => Promise<void> };
}

const noop = async () => {};
const refused = (retryAtMs: number | null): Attempt => ({ allowed: false, retryAtMs, succeeded: noop, failed: noop });

function windowsOf(rule: Rule, nowMs: number): HitWindow[] {
  return [
    { key: rule.failKey, sinceMs: nowMs - rule.windowMs },
    { key: rule.lockKey, sinceMs: nowMs - rule.lockMs },
    ...(rule.streak ? [{ key: rule.streak.key, sinceMs: 0 }] : []),
  ];
}

/** Until when the counts refuse an attempt under `rule` (its own slot counted), or undefined if they allow it. */
function refusalOf(rule: Rule, stats: (key: string) => HitStats, nowMs: number): number | undefined {
  const lockedAt = stats(rule.lockKey).newestAtMs;
  if (lockedAt !== null) return lockedAt + rule.lockMs;
  return stats(rule.failKey).count > rule.limit ? nowMs + rule.lockMs : undefined;
}

/** An allowed attempt holding the failure slot `slotId`. */
function allowedAttempt(db: Kysely<DB>, deps: Deps, rule: Rule, slotId: string): Attempt {
  return {
    allowed: true,
    retryAtMs: null,
    succeeded: (executor = db) => releaseHits(executor, [slotId]),
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

async function attempt(db: Kysely<DB>, deps: Deps, rule: Rule): Promise<Attempt> {
  const [slotId] = await recordHits(db, deps, [rule.failKey]);
  const now = deps.clock.nowMs();
  const stats = await hitStats(db, windowsOf(rule, now));
  const streak = rule.streak ? stats(rule.streak.key).count : 0;
  const refusal = rule.streak && streak >= rule.streak.max ? null : refusalOf(rule, stats, now);
  if (refusal !== undefined) {
    await releaseHits(db, [slotId!]);
    return refused(refusal);
  }
  const inner = allowedAttempt(db, deps, rule, slotId!);
  const { streak: streakRule } = rule;
  if (!streakRule) return inner;
  return {
    ...inner,
    succeeded: (executor = db) => releaseHits(executor, [slotId!], streak > 0 ? [streakRule.key] : []),
    failed: async () => {
      await inner.failed();
      await recordHits(db, deps, [streakRule.key]);
      const count = (await hitStats(db, [{ key: streakRule.key, sinceMs: 0 }]))(streakRule.key).count;
      // Once per streak (compare-and-set), however many failures reach the cap together.
      if (count >= streakRule.max && (await lockOnce(db, deps.clock, `${streakRule.key}-reached`, "1"))) await streakRule.onReached();
    },
  };
}

/** The password step's two limits: failures from the address (across accounts), and the account's own. */
export interface PasswordStepAttempts {
  /** When refused, the account was not looked at. */
  ip: Attempt;
  /** Null when the email names no account. */
  account: Attempt | null;
  /** When the email names no account: its failed() does what an account's does, and keeps nothing. */
  unknownAccount?: Attempt;
  /** A success: both slots given back and the account's streak of failures ended, in one statement. */
  succeeded(executor?: Kysely<DB>): Promise<void>;
}

/**
 * Reserves a failure slot under both limits with one insert, and reads every count that decides
 * (address, account failures, lock, streak) with one query: the sign-in hot path (bench/README.md).
 */
export async function passwordStepAttempts(db: Kysely<DB>, deps: Deps, meta: SessionMeta, userId: string | null): Promise<PasswordStepAttempts> {
  const ipKey = `login-ip:${limitGroupKey(meta)}`;
  // An e-mail that names no account runs the same statements on a stand-in account (never locked, its
  // slot taken back on failure, so it keeps no rows): the answer's timing does not tell them apart.
  const rule: Rule = {
    failKey: `pw-fail:${userId ?? "unknown"}`,
    lockKey: `pw-lock:${userId ?? "unknown"}`,
    ...PASSWORD_FAILURES,
    ...(userId === null ? { limit: Number.MAX_SAFE_INTEGER } : {}),
    onLock: () => (userId ? recordAuditEvent(db, deps, { type: "account.locked", actorUserId: null, subjectUserId: userId, ip: meta.ip, userAgent: meta.userAgent, detail: { step: "password" } }) : noop()),
  };
  const streakKey = `pw-streak:${userId ?? "unknown"}`;
  const [ipSlot, accountSlot] = await recordHits(db, deps, [ipKey, rule.failKey]);
  const now = deps.clock.nowMs();
  const stats = await hitStats(db, [{ key: ipKey, sinceMs: now - LOGIN_IP_FAILURES.windowMs }, ...windowsOf(rule, now), { key: streakKey, sinceMs: 0 }]);
  const fromIp = stats(ipKey);
  if (fromIp.count > LOGIN_IP_FAILURES.limit) {
    await releaseHits(db, [ipSlot!, accountSlot!]);
    return { ip: refused((fromIp.oldestAtMs ?? now) + LOGIN_IP_FAILURES.windowMs), account: null, succeeded: noop };
  }
  const ip: Attempt = { allowed: true, retryAtMs: null, succeeded: (executor = db) => releaseHits(executor, [ipSlot!]), failed: () => pruneHits(db, deps.clock, ipKey, LOGIN_IP_FAILURES.windowMs) };
  if (userId === null) {
    const standIn = allowedAttempt(db, deps, rule, accountSlot!);
    const failed = async () => {
      await standIn.failed();
      await releaseHits(db, [accountSlot!]); // where an account's failure records its streak
    };
    return { ip, account: null, unknownAccount: { ...standIn, failed }, succeeded: ip.succeeded };
  }
  // 100 consecutive failures: refused until the password is reset (NIST SP 800-63B §5.2.2).
  const streak = stats(streakKey).count;
  const refusal = streak >= PASSWORD_STREAK_MAX ? null : refusalOf(rule, stats, now);
  if (refusal !== undefined) {
    await releaseHits(db, [accountSlot!]);
    return { ip, account: refused(refusal), succeeded: ip.succeeded };
  }
  const endStreak = streak > 0 ? [streakKey] : [];
  const inner = allowedAttempt(db, deps, rule, accountSlot!);
  const account: Attempt = {
    ...inner,
    succeeded: (executor = db) => releaseHits(executor, [accountSlot!], endStreak),
    failed: async () => {
      await inner.failed();
      await recordHits(db, deps, [streakKey]);
    },
  };
  return { ip, account, succeeded: (executor = db) => releaseHits(executor, [ipSlot!, accountSlot!], endStreak) };
}

/**
 * Second-factor codes of one account (app, SMS, reset code), across all its sessions and addresses:
 * 10 wrong in 15 minutes pause the step for 15 minutes; 100 wrong in a row lock it until the user's
 * two-factor is reset (support console or CLI), the owner e-mailed once.
 */
export function secondFactorAttempt(db: Kysely<DB>, deps: Deps, userId: string, meta: SessionMeta): Promise<Attempt> {
  const audit = (type: "account.locked" | "two_factor.locked") => recordAuditEvent(db, deps, { type, actorUserId: null, subjectUserId: userId, ip: meta.ip, userAgent: meta.userAgent, detail: { step: "second_factor" } });
  return attempt(db, deps, {
    failKey: `2fa-fail:${userId}`,
    lockKey: `2fa-lock:${userId}`,
    ...SECOND_FACTOR_FAILURES,
    onLock: () => audit("account.locked"),
    streak: { key: `2fa-streak:${userId}`, max: SECOND_FACTOR_STREAK_MAX, onReached: () => audit("two_factor.locked") },
  });
}

/** A reset of the user's two-factor (new methods to come) ends their streak of wrong codes and its lock. */
export async function clearSecondFactorFailures(db: Kysely<DB>, userId: string): Promise<void> {
  for (const key of [`2fa-streak:${userId}`, `2fa-streak:${userId}-reached`, `2fa-fail:${userId}`, `2fa-lock:${userId}`]) await clearKey(db, key);
}

/** A password reset by e-mail link (which also proved the second factor) ends a streak of failures. */
export async function clearPasswordFailures(db: Kysely<DB>, userId: string): Promise<void> {
  for (const key of [`pw-streak:${userId}`, `pw-fail:${userId}`, `pw-lock:${userId}`]) await clearKey(db, key);
}
