/**
 * How long a new argon2id computation would wait, from the work ahead of it and a moving measure of
 * how long one computation holds its slot. Pure arithmetic: the queue (hash-queue.ts) supplies the
 * counts and the measured times, so tests drive it with numbers and an injected clock, never sleeps.
 */

/**
 * Weight of the newest sample in the moving mean: about the last ten computations count, so the
 * estimate follows a machine that gets busier (argon2id is memory-bound: its time rises when the
 * caches are shared) within a fraction of a second under load, and one slow outlier moves it 20 %.
 */
export const HASH_TIME_SMOOTHING = 0.2;

/** Before the first computation finishes: about one verification on a busy core (bench/README.md measures 7–10 ms). */
export const INITIAL_HASH_MS = 25;

/** An exponentially weighted moving mean of the time one computation holds its slot. */
export function nextMeanMs(meanMs: number, sampleMs: number, smoothing = HASH_TIME_SMOOTHING): number {
  if (!Number.isFinite(sampleMs) || sampleMs < 0) return meanMs;
  return meanMs + smoothing * (sampleMs - meanMs);
}

/**
 * Until a new computation would be done: the `ahead` computations served before it leave `slots` at
 * a time, each holding its slot `meanMs`, then its own takes `meanMs`. With a free slot, `ahead` is 0.
 */
export function estimateWaitMs(o: { ahead: number; slots: number; meanMs: number }): number {
  return o.meanMs * (1 + o.ahead / o.slots);
}

/**
 * The estimate's error, measured: how long admitted sign-ins really took to be verified (from admission:
 * the account read and failure slots first, then the queue, then argon2id) over what was estimated for
 * them, as a moving mean that scales the next estimates. Under a storm the event loop answering the
 * shed and the signed-in adds its delay to every admitted sign-in, which the queue alone does not see;
 * without this the accepted sign-ins' p99 overshot the limit by 30 % in `npm run bench`'s storm.
 * A sample is bounded to [½, 4] so one stalled computation cannot close the door.
 */
export function nextLateness(lateness: number, actualMs: number, estimatedMs: number): number {
  if (!(estimatedMs > 0) || !Number.isFinite(actualMs) || actualMs < 0) return lateness;
  return nextMeanMs(lateness, Math.min(4, Math.max(0.5, actualMs / estimatedMs)));
}

/** Retry-After (RFC 9110 §10.2.3) in whole seconds: at least 1, at most a minute. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.min(60, Math.max(1, Math.ceil(waitMs / 1000)));
}

/**
 * Computations served before a new one of a flow that already has `own` waiting, under round-robin
 * fair queuing: its own first, then from every other flow as many as it has, up to one per round
 * (`own + 1` rounds). `others` are the other flows' waiting counts.
 */
export function aheadUnderRoundRobin(own: number, others: Iterable<number>): number {
  let ahead = own;
  for (const waiting of others) ahead += Math.min(waiting, own + 1);
  return ahead;
}
