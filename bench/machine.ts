import { readFileSync } from "node:fs";
import { availableParallelism, release, totalmem } from "node:os";

export interface Machine {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  kernel: string;
}

/** What the figures were measured on: they mean little without it. */
export function describeMachine(): Machine {
  return {
    cores: availableParallelism(),
    cpuModel: cpuModel(),
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    kernel: `Linux ${release()}`,
  };
}

function cpuModel(): string {
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    return line?.split(":")[1]?.trim() || "unknown";
  } catch {
    return "unknown";
  }
}

/** Above this share of the cores busy before the start, the report says the figures are not an idle machine's. */
export const BUSY_FRACTION = 0.1;

/**
 * The share of all cores busy over the next `windowMs` (from /proc/stat): whether other work is running
 * right now, which the load average (a decaying mean over minutes) tells only late.
 */
export async function cpuBusyFraction(windowMs = 1_000): Promise<number | null> {
  const read = () => {
    const fields = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0); // idle + iowait
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  try {
    const before = read();
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const after = read();
    const total = after.total - before.total;
    return total > 0 ? 1 - (after.idle - before.idle) / total : null;
  } catch {
    return null;
  }
}

/** Resident set size of a process in MiB (VmRSS in /proc/<pid>/status), or null once it has gone. */
export function rssMiB(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match?.[1] ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat; with `mainThreadOnly`,
 * only its main thread's (/proc/<pid>/task/<pid>/stat): Node's event loop, without libuv's threadpool
 * (where argon2id runs) or V8's helper threads.
 */
export function cpuSeconds(pid: number, mainThreadOnly = false): number | null {
  try {
    const stat = readFileSync(mainThreadOnly ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticksPerSecond = 100; // USER_HZ on Linux
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return null;
  }
}
