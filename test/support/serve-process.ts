import { type ChildProcess, spawn } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const PROJECT_DIR = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(PROJECT_DIR, "bin", "gatehouse.cjs");

export interface ServeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port>, from Fastify's "Server listening at" line. */
  baseUrl: string;
  /** Everything the process printed on stdout and stderr so far. */
  output(): string;
  /** The first JSON log record (on stdout) whose `msg` is `msg` (and that `where` accepts), now or when it comes. */
  logRecord(msg: string, where?: (record: Record<string, unknown>) => boolean): Promise<Record<string, unknown>>;
  /** Resolves with the exit code (null and the signal when killed). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the real `node bin/gatehouse.cjs serve` on a port the system picks (PORT=0), with only the
 * variables given (nothing leaks in from the test runner), logging JSON at info level to stdout.
 */
export async function startServeProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, [BIN, "serve"], {
    cwd: PROJECT_DIR,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), PORT: "0", HOST: "127.0.0.1", LOG_LEVEL: "info", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const waiters: (() => void)[] = [];
  const onData = (chunk: string) => {
    out += chunk;
    for (const waiter of waiters.splice(0)) waiter();
  };
  child.stdout!.setEncoding("utf8").on("data", onData);
  child.stderr!.setEncoding("utf8").on("data", onData);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  let hasExited = false;
  void exited.then(() => {
    hasExited = true;
    for (const waiter of waiters.splice(0)) waiter();
  });

  const records = () =>
    out.split("\n").flatMap((line) => {
      if (!line.startsWith("{")) return [];
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return []; // a line still being written
      }
    });

  const waitForLog = (what: string, matches: (record: Record<string, unknown>) => boolean) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${what} log line within ${timeoutMs} ms:\n${out}`)), timeoutMs);
      const check = () => {
        const found = records().find(matches);
        if (found) {
          clearTimeout(timer);
          resolve(found);
        } else if (hasExited) {
          clearTimeout(timer);
          reject(new Error(`the process exited before logging ${what}:\n${out}`));
        } else waiters.push(check);
      };
      check();
    });
  const logRecord = (msg: string, where: (record: Record<string, unknown>) => boolean = () => true) => waitForLog(`"${msg}"`, (record) => record.msg === msg && where(record));

  const listening = await waitForLog("its address", (record) => typeof record.msg === "string" && record.msg.startsWith("Server listening at ")).catch((error: unknown) => {
    child.kill("SIGKILL");
    throw error;
  });
  const address = /^Server listening at (http:\/\/127\.0\.0\.1:\d+)$/.exec(String(listening.msg))?.[1];
  if (!address) throw new Error(`no listening address in:\n${out}`);
  return { child, baseUrl: address, output: () => out, logRecord, exited };
}
