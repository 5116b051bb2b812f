import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { nodeEndOfLifeWarning } from "../../src/config/runtime.ts";
import type { TestDatabase } from "./databases.ts";

// The real command, as `npx gatehouse` runs it. bin/ resolves src/ relative to itself, so the
// child runs in the project directory; every path it writes comes from DATABASE_URL instead.
const PROJECT_DIR = fileURLToPath(new URL("../..", import.meta.url));
const BIN = join(PROJECT_DIR, "bin", "gatehouse.cjs");
export const CLI_SECRET_KEY = randomBytes(32).toString("base64");
const SPAWN_TIMEOUT_MS = 20_000;

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/**
 * Runs `node bin/gatehouse.cjs ...args` with only the variables given (nothing leaks in from the
 * test runner's environment), and checks that no secret it was handed shows up in its output.
 */
export async function runCli(args: string[], env: Record<string, string>, stdin = ""): Promise<CliResult> {
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: PROJECT_DIR,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? tmpdir(), LOG_LEVEL: "silent", SECRET_KEY: CLI_SECRET_KEY, ...env },
    stdio: ["pipe", "pipe", "pipe"],
    timeout: SPAWN_TIMEOUT_MS,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  child.stdin.end(stdin);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode));
  });
  // On a Node line past its end of life every command opens with one warning line on stderr
  // (src/config/runtime.ts): checked here, then taken off, so each test reads its command's own output.
  // A command killed by the time limit (code null) is left for the caller's own checks to report.
  const runtimeWarning = nodeEndOfLifeWarning(process.versions.node, Date.now());
  if (runtimeWarning && code !== null) {
    expect(stderr.startsWith(`${runtimeWarning}\n`), `no end-of-life warning first on stderr:\n${stderr}`).toBe(true);
    stderr = stderr.slice(runtimeWarning.length + 1);
  }
  const result = { code, stdout, stderr, elapsedMs: performance.now() - started };
  for (const secret of [CLI_SECRET_KEY, stdin.trim()].filter(Boolean)) {
    expect(result.stdout + result.stderr, "the CLI printed a secret").not.toContain(secret);
  }
  return result;
}

/** A failure as the spec wants it: non-zero exit, exactly one line on stderr; returns that line. */
export function expectOneLineFailure(result: CliResult): string {
  expect(result.code, result.stderr).not.toBe(0);
  expect(result.stderr).toMatch(/^gatehouse: [^\n]+\n$/);
  return result.stderr.trimEnd();
}

/** DATABASE_URL for a child process to use the same database as `testDb` (a SQLite file, or the test's PostgreSQL schema). */
export function cliDatabaseUrl(testDb: TestDatabase): string {
  const { target } = testDb;
  if (target.dialect === "sqlite") {
    if (target.path === ":memory:") throw new TypeError("a CLI cannot share an in-memory database: pass sqlitePath");
    return `sqlite:${target.path}`;
  }
  // node-postgres passes `options` from the connection string to the server as startup options.
  const separator = target.url.includes("?") ? "&" : "?";
  return `${target.url}${separator}options=${encodeURIComponent(`-c search_path=${testDb.searchPath}`)}`;
}
