import { isIPv4, isIPv6 } from "node:net";
import { aheadUnderRoundRobin, estimateWaitMs, INITIAL_HASH_MS, nextLateness, nextMeanMs, retryAfterSeconds } from "./hash-wait.ts";

/**
 * The bounded queue in front of argon2id (issue 19). `slots` computations run at once; the rest wait
 * in per-client flows served round-robin, so one address (or one IPv6 /64) flooding sign-in waits
 * behind itself, not in front of everyone else; sign-ins from a remembered browser of the account they
 * name wait in a lane served first, so a flood from many addresses cannot shed them (bench/README.md). A sign-in asks
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

/**
 * "known": sign-ins from a browser the account asked to remember (src/auth/known-browser.ts), one flow
 * per remembered browser, served before every "open" flow, so a flood of strangers never sheds them;
 * "open": everyone else, one flow per client address.
 */
export type Lane = "known" | "open";

const size = (flow: Flow) => flow.jobs.length + flow.reserved;

export class HashQueue {
  readonly slots: number;
  private readonly now: () => number;
  private readonly maxWaiting: number;
  private meanMs: number;
  /** Measured over estimated time to verification of admitted sign-ins (hash-wait.ts nextLateness). */
  private lateness = 1;
  private running = 0;
  private waiting = 0;
  /** Per lane, insertion order is the round-robin order; a flow that was served moves to the back. */
  private readonly lanes: Record<Lane, Map<string, Flow>> = { known: new Map(), open: new Map() };
  /** Computations waiting or reserved in the known lane: all of them go before any open flow's. */
  private knownWaiting = 0;
  private reserved = 0;

  constructor(options: HashQueueOptions) {
    this.slots = options.slots;
    this.now = options.now;
    this.meanMs = options.initialHashMs ?? INITIAL_HASH_MS;
    this.maxWaiting = options.maxWaiting ?? 4096;
  }

  /** `waiting` counts admitted places (`reserved`) too; `knownWaiting` is the part of it in the known lane. */
  load(): { running: number; waiting: number; reserved: number; knownWaiting: number; slots: number; meanHashMs: number; lateness: number } {
    return { running: this.running, waiting: this.waiting, reserved: this.reserved, knownWaiting: this.knownWaiting, slots: this.slots, meanHashMs: this.meanMs, lateness: this.lateness };
  }

  /** Runs `task` in its turn in an open flow; never refused. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    return this.enqueue("open", key, task);
  }

  /** Holds a place for a computation of `key` if it would finish within `maxWaitMs`; otherwise says when to retry. */
  admit(key: string, maxWaitMs: number, lane: Lane = "open"): Admission {
    const flows = this.lanes[lane];
    const flow = flows.get(key);
    const own = flow ? size(flow) : 0;
    const busy = this.running >= this.slots || this.waiting > 0;
    // With no flow of its own waiting, every other flow of its lane is one ahead of it: no need to walk them.
    const inLane = !busy ? 0 : own === 0 ? flows.size : aheadUnderRoundRobin(own, this.otherSizes(flows, key));
    const ahead = lane === "open" && busy ? inLane + this.knownWaiting : inLane;
    const estimatedMs = estimateWaitMs({ ahead, slots: this.slots, meanMs: this.meanMs });
    const waitMs = estimatedMs * this.lateness;
    if (waitMs > maxWaitMs || this.waiting >= this.maxWaiting) return { admitted: false, waitMs, retryAfterS: retryAfterSeconds(waitMs) };
    this.flow(lane, key).reserved++;
    this.reserved++;
    const admittedAt = this.now();
    this.count(lane, +1);
    let held = true;
    const release = () => {
      if (!held) return;
      held = false;
      flows.get(key)!.reserved--;
      this.reserved--;
      this.count(lane, -1);
      if (size(flows.get(key)!) === 0) flows.delete(key);
    };
    return {
      admitted: true,
      ticket: {
        release,
        run: (task) => {
          release();
          const measured = () => task().finally(() => void (this.lateness = nextLateness(this.lateness, this.now() - admittedAt, estimatedMs)));
          return this.enqueue(lane, key, measured);
        },
      },
    };
  }

  private enqueue<T>(lane: Lane, key: string, task: () => Promise<T>): Promise<T> {
    if (this.running < this.slots) return this.start(task);
    return new Promise<T>((resolve, reject) => {
      this.flow(lane, key).jobs.push(() => this.start(task).then(resolve, reject));
      this.count(lane, +1);
    });
  }

  private count(lane: Lane, change: 1 | -1): void {
    this.waiting += change;
    if (lane === "known") this.knownWaiting += change;
  }

  private *otherSizes(flows: Map<string, Flow>, key: string): Iterable<number> {
    for (const [other, flow] of flows) if (other !== key) yield size(flow);
  }

  private flow(lane: Lane, key: string): Flow {
    const flows = this.lanes[lane];
    let flow = flows.get(key);
    if (!flow) flows.set(key, (flow = { jobs: [], reserved: 0 }));
    return flow;
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

  /** The first flow in the rotation with a computation to start, known lane first (flows only holding places are passed over). */
  private nextFlow(): [Lane, string, Flow] | undefined {
    for (const lane of ["known", "open"] as const) for (const [key, flow] of this.lanes[lane]) if (flow.jobs.length > 0) return [lane, key, flow];
    return undefined;
  }

  private startNext(): void {
    while (this.running < this.slots) {
      const next = this.nextFlow();
      if (!next) return;
      const [lane, key, flow] = next;
      const job = flow.jobs.shift()!;
      this.count(lane, -1);
      const flows = this.lanes[lane];
      flows.delete(key); // served: to the back of its lane's rotation
      if (size(flow) > 0) flows.set(key, flow);
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
