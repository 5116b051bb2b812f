import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const MODULE = fileURLToPath(new URL("../../bin/pool-priority.cjs", import.meta.url));

/** In a fresh node: lowerPoolPriority(), then every thread's nice value (field 19 of /proc/…/stat). */
function threadsAfterLowering(): { lowered: number[]; nice: Record<string, number>; mainTid: number } {
  const script = `
    const { readdirSync, readFileSync } = require("node:fs");
    require(${JSON.stringify(MODULE)}).lowerPoolPriority().then((lowered) => {
      const nice = {};
      for (const tid of readdirSync("/proc/self/task")) nice[tid] = Number(readFileSync("/proc/self/task/" + tid + "/stat", "utf8").split(") ")[1].split(" ")[16]);
      process.stdout.write(JSON.stringify({ lowered, nice, mainTid: process.pid }));
    });`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, UV_THREADPOOL_SIZE: "3" } }).toString());
}

describe.runIf(process.platform === "linux")("lowerPoolPriority() (bin/pool-priority.cjs)", () => {
  test("gives libuv's pool threads (argon2id's) nice 10 and leaves the event loop's thread and the others alone", () => {
    const { lowered, nice, mainTid } = threadsAfterLowering();
    expect(lowered).toHaveLength(3); // UV_THREADPOOL_SIZE
    for (const tid of lowered) expect(nice[tid]).toBe(10);
    expect(nice[mainTid]).toBe(0);
    const others = Object.keys(nice).filter((tid) => !lowered.includes(Number(tid)));
    expect(others.length).toBeGreaterThan(1);
    for (const tid of others) expect(nice[tid]).toBe(0);
  });
});
