/** The source of time. Injected everywhere so tests can cross expiries with a fake clock, never a sleep. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };
