import type { Clock } from "../clock.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { AuditListener } from "./audit.ts";

/**
 * What the domain takes as `deps`: the time and a random source, injected so tests cross expiries with
 * a fake clock and never sleep. `auditListener` rides along (the server's AppDeps carries it), so the
 * domain reports events without knowing who listens. AppDeps extends this: pass `deps` straight through.
 */
export interface CoreDeps {
  clock: Clock;
  random: RandomSource;
  auditListener?: AuditListener;
}
