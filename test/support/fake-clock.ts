import type { Clock } from "../../src/clock.ts";

/** A clock that only moves when told to: tests cross expiries without sleeping. */
export class FakeClock implements Clock {
  constructor(private ms = Date.UTC(2026, 10, 29, 9, 0, 0)) {}
  nowMs(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
  set(ms: number): void {
    this.ms = ms;
  }
}

export const MINUTE_MS = 60_000;
