import { isIPv4, isIPv6 } from "node:net";
import { aheadUnderRoundRobin, estimateWaitMs, INITIAL_HASH_MS, nextMeanMs, retryAfterSeconds } from "./hash-wait.ts";

/**
 * The bounded queue in front of argon2id (issue 19). `slots` computations run at once; the rest wait
 * in per-client flows served round-robin, so one address (or one IPv6 /64) flooding sign-in waits
 * behind itself, not in front of everyone else (bench/README.md explains the choice). A sign-in asks
 * `admit()` first, before it touches the database: if the estimated wait exceeds its limit it is shed
 * at once, having written nothing. Other hashes (invitations, password changes and resets) `run()`
 * without that check: they need a link or a session, so they cannot be flooded anonymously, and with
 * sign-ins shed at their limit the queue ahead of them never holds much more than that limit's work.
 */
export interface HashQueueOptions {
  slots: number;
  /** A monotonic clock in ms (performance.now in production; a fake in tests) for the moving measure. */
  now: () => number;
  initialHashMs?: number;
  /** Waiting computations beyond which every admission is shed whatever the estimate (memory bound). */
  maxWaiting?: number;
}

export type Admission = { admitted: true; ticket: HashTicket } | { admitted: false; waitMs: number; retryAfterS: number };

/** A place held in a flow between admission and the computation; `release()` if it is never run. */
export interface HashTicket {
  run<T>(task: () => Promise<T>): Promise<T>;
  release(): void;
}

interface Flow {
  jobs: (() => void)[];
  /** Admitted sign-ins that have not handed over their computation yet. */
  reserved: number;
}

const size = (flow: Flow) => flow.jobs.length + flow.reserved;

export class HashQueue {
  readonly slots: number;
  private readonly now: () => number;
  private readonly maxWaiting: number;
  private meanMs: number;
  private running = 0;
  private waiting = 0;
  /** Insertion order is the round-robin order; a flow that was served moves to the back. */
  private readonly flows = new Map<string, Flow>();

  constructor(options: HashQueueOptions) {
    this.slots = options.slots;
    this.now = options.now;
    this.meanMs = options.initialHashMs ?? INITIAL_HASH_MS;
    this.maxWaiting = options.maxWaiting ?? 4096;
  }

  load(): { running: number; waiting: number; slots: number; meanHashMs: number } {
    return { running: this.running, waiting: this.waiting, slots: this.slots, meanHashMs: this.meanMs };
  }

  /** Runs `task` in its turn; never refused. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    if (this.running < this.slots) return this.start(task);
    return new Promise<T>((resolve, reject) => {
      const flow = this.flow(key);
      flow.jobs.push(() => this.start(task).then(resolve, reject));
      this.waiting++;
    });
  }

  /** Holds a place for a computation of `key` if it would finish within `maxWaitMs`; otherwise says when to retry. */
  admit(key: string, maxWaitMs: number): Admission {
    const flow = this.flows.get(key);
    const own = flow ? size(flow) : 0;
    const busy = this.running >= this.slots || this.waiting > 0;
    // With no flow of its own waiting, every other flow is one ahead of it: no need to walk them.
    const ahead = !busy ? 0 : own === 0 ? this.flows.size : aheadUnderRoundRobin(own, this.otherSizes(key));
    const waitMs = estimateWaitMs({ ahead, slots: this.slots, meanMs: this.meanMs });
    if (waitMs > maxWaitMs || this.waiting >= this.maxWaiting) return { admitted: false, waitMs, retryAfterS: retryAfterSeconds(waitMs) };
    this.flow(key).reserved++;
    this.waiting++;
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      this.flows.get(key)!.reserved--;
      this.waiting--;
      this.forgetIfEmpty(key);
    };
    return {
      admitted: true,
      ticket: {
        release,
        run: (task) => {
          release();
          return this.run(key, task);
        },
      },
    };
  }

  private *otherSizes(key: string): Iterable<number> {
    for (const [other, flow] of this.flows) if (other !== key) yield size(flow);
  }

  private flow(key: string): Flow {
    let flow = this.flows.get(key);
    if (!flow) this.flows.set(key, (flow = { jobs: [], reserved: 0 }));
    return flow;
  }

  private forgetIfEmpty(key: string): void {
    if (size(this.flows.get(key)!) === 0) this.flows.delete(key);
  }

  private async start<T>(task: () => Promise<T>): Promise<T> {
    this.running++;
    const startedAt = this.now();
    try {
      return await task();
    } finally {
      this.meanMs = nextMeanMs(this.meanMs, this.now() - startedAt);
      this.running--;
      this.startNext();
    }
  }

  /** The first flow in the rotation with a computation to start (flows only holding places are passed over). */
  private nextFlow(): [string, Flow] | undefined {
    for (const entry of this.flows) if (entry[1].jobs.length > 0) return entry;
    return undefined;
  }

  private startNext(): void {
    while (this.running < this.slots) {
      const next = this.nextFlow();
      if (!next) return;
      const [key, flow] = next;
      const job = flow.jobs.shift()!;
      this.waiting--;
      this.flows.delete(key); // served: to the back of the rotation
      if (size(flow) > 0) this.flows.set(key, flow);
      job();
    }
  }
}

/** The flow a client's computations wait in: its IPv4 address, or its IPv6 /64 (one subscriber's usual share). */
export function flowKeyOf(ip: string | null | undefined): string {
  if (!ip) return "-";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (isIPv4(ip) || !isIPv6(ip)) return ip;
  const [head, tail = ""] = ip.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = ip.includes("::") && tail ? tail.split(":") : [];
  const zeros = Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0");
  const groups = [...headGroups, ...zeros, ...tailGroups];
  return `${groups.slice(0, 4).map((group) => parseInt(group, 16).toString(16)).join(":")}::/64`;
}
