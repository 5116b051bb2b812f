import { describe, expect, test } from "vitest";
import { aheadUnderRoundRobin, estimateWaitMs, HASH_TIME_SMOOTHING, nextLateness, nextMeanMs, retryAfterSeconds } from "../../src/auth/hash-wait.ts";

describe("the wait estimate in front of argon2id", () => {
  test("the moving mean moves a fifth of the way to each new sample, and ignores nonsense", () => {
    expect(HASH_TIME_SMOOTHING).toBe(0.2);
    expect(nextMeanMs(10, 20)).toBeCloseTo(12);
    expect(nextMeanMs(10, 0)).toBeCloseTo(8);
    let mean = 25;
    for (let i = 0; i < 60; i++) mean = nextMeanMs(mean, 8);
    expect(mean).toBeCloseTo(8, 3);
    expect(nextMeanMs(10, Number.NaN)).toBe(10);
    expect(nextMeanMs(10, -5)).toBe(10);
  });

  test("a free slot means one computation's time; each full round of waiting work adds another", () => {
    expect(estimateWaitMs({ ahead: 0, slots: 3, meanMs: 10 })).toBe(10);
    expect(estimateWaitMs({ ahead: 3, slots: 3, meanMs: 10 })).toBe(20);
    expect(estimateWaitMs({ ahead: 597, slots: 3, meanMs: 10 })).toBe(2000);
    expect(estimateWaitMs({ ahead: 600, slots: 3, meanMs: 10 })).toBeGreaterThan(2000);
  });

  test("Retry-After is whole seconds between 1 and 60", () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(2001)).toBe(3);
    expect(retryAfterSeconds(3000)).toBe(3);
    expect(retryAfterSeconds(10 * 60_000)).toBe(60);
  });

  test("under round-robin a flow waits behind its own work and at most one more per round from each other flow", () => {
    expect(aheadUnderRoundRobin(0, [])).toBe(0);
    // A new flow: one from each of the others.
    expect(aheadUnderRoundRobin(0, [5, 1, 200])).toBe(3);
    // A flow with 2 waiting: its own 2, then up to 3 of each other.
    expect(aheadUnderRoundRobin(2, [5, 1, 200])).toBe(2 + 3 + 1 + 3);
    // The flooder behind its own 200: everyone else's work goes first.
    expect(aheadUnderRoundRobin(200, [5, 1])).toBe(206);
  });

  test("the estimate's measured error (lateness) follows actual over estimated, each sample bounded to [½, 4]", () => {
    expect(nextLateness(1, 1300, 1000)).toBeCloseTo(1 + 0.2 * 0.3);
    expect(nextLateness(1, 60_000, 1000)).toBeCloseTo(1 + 0.2 * 3); // one stalled computation: at most 4
    expect(nextLateness(1, 0, 1000)).toBeCloseTo(1 - 0.2 * 0.5);
    expect(nextLateness(1.2, Number.NaN, 1000)).toBe(1.2);
    expect(nextLateness(1.2, 100, 0)).toBe(1.2);
    let lateness = 1;
    for (let i = 0; i < 60; i++) lateness = nextLateness(lateness, 2600, 2000);
    expect(lateness).toBeCloseTo(1.3, 3);
  });
});
