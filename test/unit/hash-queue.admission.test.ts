import { describe, expect, test } from "vitest";
import { flowKeyOf, HashQueue } from "../../src/auth/hash-queue.ts";

/** A fake hasher: each computation finishes when the test says so. */
function fakeHasher() {
  const pending: { name: string; finish: () => void }[] = [];
  const started: string[] = [];
  const task = (name: string) => () =>
    new Promise<string>((resolve) => {
      started.push(name);
      pending.push({ name, finish: () => resolve(name) });
    });
  const finish = async (name: string) => {
    const index = pending.findIndex((p) => p.name === name);
    pending.splice(index, 1)[0]!.finish();
    for (let i = 0; i < 5; i++) await Promise.resolve(); // let the queue hand the slot over
  };
  return { task, started, finish };
}

function queueWithClock(o: { slots: number; initialHashMs: number; maxWaiting?: number }) {
  let now = 0;
  const queue = new HashQueue({ ...o, now: () => now });
  return { queue, advance: (ms: number) => void (now += ms) };
}

describe("HashQueue", () => {
  test("runs `slots` computations at once; the others wait and start as slots free", async () => {
    const { queue } = queueWithClock({ slots: 2, initialHashMs: 10 });
    const hasher = fakeHasher();
    const results = ["a", "b", "c"].map((name) => queue.run("-", hasher.task(name)));
    expect(hasher.started).toEqual(["a", "b"]);
    expect(queue.load()).toMatchObject({ running: 2, waiting: 1 });
    await hasher.finish("a");
    expect(hasher.started).toEqual(["a", "b", "c"]);
    await hasher.finish("b");
    await hasher.finish("c");
    expect(await Promise.all(results)).toEqual(["a", "b", "c"]);
    expect(queue.load()).toMatchObject({ running: 0, waiting: 0 });
  });

  test("measures each computation's time on the injected clock as a moving mean", async () => {
    const { queue, advance } = queueWithClock({ slots: 1, initialHashMs: 10 });
    const hasher = fakeHasher();
    void queue.run("-", hasher.task("a"));
    advance(60);
    await hasher.finish("a");
    expect(queue.load().meanHashMs).toBeCloseTo(10 + 0.2 * 50);
  });

  test("a failing computation frees its slot and is counted like any other", async () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 10 });
    await expect(queue.run("-", () => Promise.reject(new Error("malformed")))).rejects.toThrow("malformed");
    expect(queue.load()).toMatchObject({ running: 0, waiting: 0 });
  });

  test("admits while the estimated wait is within the limit, then sheds without holding a place", async () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 1000 });
    const hasher = fakeHasher();
    void queue.run("a", hasher.task("busy"));
    const first = queue.admit("b", 2000); // one running, nothing waiting: 1000
    expect(first.admitted).toBe(true);
    const second = queue.admit("c", 2000); // one flow ahead: 2000, still within
    expect(second.admitted).toBe(true);
    const third = queue.admit("d", 2000); // two flows ahead: 3000
    expect(third).toEqual({ admitted: false, waitMs: 3000, retryAfterS: 3 });
    expect(queue.load().waiting).toBe(2);
    if (first.admitted) first.ticket.release();
    if (second.admitted) second.ticket.release();
    expect(queue.load().waiting).toBe(0);
    expect(queue.admit("d", 2000).admitted).toBe(true);
  });

  test("an admitted ticket runs its computation in its flow's place; release after run changes nothing", async () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 10 });
    const hasher = fakeHasher();
    void queue.run("x", hasher.task("busy"));
    const admission = queue.admit("y", 2000);
    if (!admission.admitted) throw new Error("expected a place");
    const result = admission.ticket.run(hasher.task("mine"));
    admission.ticket.release();
    expect(queue.load()).toMatchObject({ running: 1, waiting: 1 });
    await hasher.finish("busy");
    await hasher.finish("mine");
    expect(await result).toBe("mine");
    expect(queue.load()).toMatchObject({ running: 0, waiting: 0 });
  });

  test("round-robin: one flow's backlog does not delay another flow's single computation", async () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 10 });
    const hasher = fakeHasher();
    void queue.run("flood", hasher.task("f0"));
    for (let i = 1; i <= 5; i++) void queue.run("flood", hasher.task(`f${i}`));
    void queue.run("client", hasher.task("c"));
    for (const name of ["f0", "f1", "c", "f2"]) await hasher.finish(name);
    expect(hasher.started.slice(0, 4)).toEqual(["f0", "f1", "c", "f2"]);
  });

  test("under a flood from one address its own sign-ins are shed while another address is still admitted", () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 100 });
    const hasher = fakeHasher();
    void queue.run("flood", hasher.task("busy"));
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (queue.admit("flood", 2000).admitted) admitted++;
    expect(admitted).toBe(20); // the k-th waits behind k - 1 of its own: 100 × (1 + 19) = 2000 is the last within
    expect(queue.admit("flood", 2000).admitted).toBe(false);
    expect(queue.admit("client", 2000).admitted).toBe(true); // one of the flood's goes first, then its own
  });

  test("a remembered browser's sign-in (known lane) is admitted past a flood of strangers and computed before them", async () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 1000 });
    const hasher = fakeHasher();
    void queue.run("x", hasher.task("busy"));
    const strangers = ["a", "b"].map((key) => queue.admit(key, 2000));
    for (const [i, stranger] of strangers.entries()) if (stranger.admitted) void stranger.ticket.run(hasher.task(`stranger${i}`));
    expect(strangers.map((stranger) => stranger.admitted)).toEqual([true, true]);
    expect(queue.admit("c", 2000).admitted).toBe(false); // two ahead: 3000
    const known = queue.admit("browser:1", 2000, "known"); // only the running one ahead: 1000
    if (!known.admitted) throw new Error("expected a place");
    void known.ticket.run(hasher.task("known"));
    expect(queue.load()).toMatchObject({ waiting: 3, knownWaiting: 1, reserved: 0 });
    await hasher.finish("busy");
    expect(hasher.started).toEqual(["busy", "known"]);
  });

  test("one remembered browser replayed at once waits behind itself, and a stranger counts the known lane ahead of it", () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 100 });
    const hasher = fakeHasher();
    void queue.run("x", hasher.task("busy"));
    let admitted = 0;
    for (let i = 0; i < 100; i++) if (queue.admit("browser:stolen", 2000, "known").admitted) admitted++;
    expect(admitted).toBe(20); // as one address would: 100 × (1 + 19) = 2000
    expect(queue.admit("browser:other", 2000, "known").admitted).toBe(true); // another browser: one round ahead
    // A stranger waits behind all 21 of the known lane: 100 × (1 + 21) = 2200.
    expect(queue.admit("203.0.113.7", 2000)).toEqual({ admitted: false, waitMs: 2200, retryAfterS: 3 });
  });

  test("when admitted sign-ins take longer than estimated, later estimates grow by the measured lateness", async () => {
    const { queue, advance } = queueWithClock({ slots: 1, initialHashMs: 100 });
    const hasher = fakeHasher();
    for (let i = 0; i < 30; i++) {
      const admission = queue.admit("a", 2000); // an idle queue: estimated 100 ms
      if (!admission.admitted) throw new Error("expected a place");
      const done = admission.ticket.run(hasher.task(`s${i}`));
      advance(100); // the hash holds its slot 100 ms, as estimated …
      await hasher.finish(`s${i}`);
      await done;
      advance(0);
    }
    expect(queue.load().lateness).toBeCloseTo(1, 5);
    for (let i = 0; i < 30; i++) {
      const admission = queue.admit("a", 2000);
      if (!admission.admitted) throw new Error("expected a place");
      advance(100); // … but now the event loop delays each by 100 ms before it reaches the queue
      const done = admission.ticket.run(hasher.task(`t${i}`));
      advance(100);
      await hasher.finish(`t${i}`);
      await done;
    }
    expect(queue.load().lateness).toBeCloseTo(2, 2);
    void queue.run("x", hasher.task("busy"));
    // With ten ahead the estimate is 100 × (1 + 10) = 1,100 ms, within 2 s; measured lateness makes it 2,200: shed.
    for (const key of ["b", "c", "d", "e", "f", "g", "h", "i", "j", "k"]) expect(queue.admit(key, 2000).admitted).toBe(true);
    expect(queue.admit("l", 2000)).toMatchObject({ admitted: false, retryAfterS: 3 });
  });

  test("sheds whatever the estimate once `maxWaiting` computations wait", () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 1, maxWaiting: 3 });
    const hasher = fakeHasher();
    void queue.run("x", hasher.task("busy"));
    for (const key of ["a", "b", "c"]) expect(queue.admit(key, 2000).admitted).toBe(true);
    expect(queue.admit("d", 2000).admitted).toBe(false);
  });

  test("run() is never refused, however long the queue", () => {
    const { queue } = queueWithClock({ slots: 1, initialHashMs: 1000, maxWaiting: 1 });
    const hasher = fakeHasher();
    for (let i = 0; i < 10; i++) void queue.run("-", hasher.task(`r${i}`));
    expect(queue.load()).toMatchObject({ running: 1, waiting: 9 });
  });
});

describe("flowKeyOf", () => {
  test("an IPv4 address is its own flow; an IPv6 address shares its /64", () => {
    expect(flowKeyOf("203.0.113.9")).toBe("203.0.113.9");
    expect(flowKeyOf("::ffff:203.0.113.9")).toBe("203.0.113.9");
    expect(flowKeyOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(flowKeyOf("2001:0db8:0001:0002:ffff:1:2:3")).toBe("2001:db8:1:2::/64");
    expect(flowKeyOf("2001:db8::5")).toBe("2001:db8:0:0::/64");
    expect(flowKeyOf("::1")).toBe("0:0:0:0::/64");
    expect(flowKeyOf(null)).toBe("-");
  });
});
