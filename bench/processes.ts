/** The servers under test, each a process of its own on 127.0.0.1, started and stopped by the orchestrator. */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { createServer, request } from "node:http";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cpuSeconds, rssMiB } from "./machine.ts";

export const HOST = "127.0.0.1";
/**
 * Node's flags in production, as the Dockerfile's CMD and `npm start` run the server: a young
 * generation of at most 8 MiB a half. V8's default (16) let the heap settle 60–100 MiB higher under the
 * dashboard load at the same throughput (bench/README.md).
 */
export const PRODUCTION_NODE_FLAGS = ["--max-semi-space-size=8"];
const REPO = fileURLToPath(new URL("..", import.meta.url));
const START_TIMEOUT_MS = 30_000;

// However the orchestrator ends (an exception thrown inside the load generator too), no server outlives it.
const children = new Set<ChildProcess>();
process.on("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

export interface ServerProcess {
  pid: number;
  baseUrl: string;
  /** Spawn to first answered /healthz (or /). */
  coldStartMs: number;
  rssMiB(): number | null;
  cpuSeconds(): number | null;
  /** CPU seconds of the main thread alone (the event loop). */
  mainThreadCpuSeconds(): number | null;
  stop(): Promise<void>;
}

/** `npm run build`: the compiled JavaScript that production runs (dist/). */
export async function buildProduction(): Promise<void> {
  await promisify(execFile)("npm", ["run", "build", "--silent"], { cwd: REPO, timeout: 120_000 });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * The real portal as production runs it (`gatehouse serve`, NODE_ENV=production, info logging) with
 * its log in `logPath`. The working directory is the run's temp dir, so no developer `.env` is read.
 * As behind the reverse proxy of docs/deploy.md, it believes X-Forwarded-For from 127.0.0.1, where the
 * load generator plays the proxy: each simulated client then has its own address, and the per-IP
 * limits (form posts a minute, sign-in failures) count each client, not the whole benchmark as one.
 */
export function startGatehouse(o: { databaseUrl: string; secretKey: string; workDir: string; logPath: string; cpuProfileDir?: string }): Promise<ServerProcess> {
  return freePort().then((port) => {
    const env = {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? o.workDir,
      NODE_ENV: "production",
      HOST,
      PORT: String(port),
      PUBLIC_URL: `http://${HOST}:${port}`,
      DATABASE_URL: o.databaseUrl,
      SECRET_KEY: o.secretKey,
      LOG_LEVEL: "info",
      TRUST_PROXY: HOST,
    };
    const profile = o.cpuProfileDir ? ["--cpu-prof", `--cpu-prof-dir=${o.cpuProfileDir}`] : [];
    return launch([...profile, ...PRODUCTION_NODE_FLAGS, `${REPO}bin/gatehouse.cjs`, "serve"], env, o.workDir, o.logPath, `http://${HOST}:${port}`, "/healthz");
  });
}

/** The reference: a bare Fastify hello-world, no plugins, no logger. */
export async function startHelloWorld(workDir: string, logPath: string): Promise<ServerProcess> {
  const port = await freePort();
  const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? workDir, NODE_ENV: "production", PORT: String(port), HOST };
  return launch(["--import", "tsx", `${REPO}bench/hello-world.ts`], env, REPO, logPath, `http://${HOST}:${port}`, "/");
}

async function launch(args: string[], env: Record<string, string>, cwd: string, logPath: string, baseUrl: string, probePath: string): Promise<ServerProcess> {
  const log = openSync(logPath, "a");
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", log, log] });
  closeSync(log);
  children.add(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  void exited.then(() => children.delete(child));
  let gone = false;
  void exited.then(() => (gone = true));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${args.join(" ")}`);
  try {
    while (!(await answers(`${baseUrl}${probePath}`))) {
      if (gone) throw new Error(`${args.at(-1)} exited before answering; see ${logPath}`);
      if (performance.now() - started > START_TIMEOUT_MS) throw new Error(`${args.at(-1)} did not answer within ${START_TIMEOUT_MS} ms; see ${logPath}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  } catch (error) {
    await stopChild(child, exited);
    throw error;
  }
  const coldStartMs = performance.now() - started;
  return {
    pid,
    baseUrl,
    coldStartMs,
    rssMiB: () => rssMiB(pid),
    cpuSeconds: () => cpuSeconds(pid),
    mainThreadCpuSeconds: () => cpuSeconds(pid, true),
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** One GET on a fresh connection: true on a 200. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { agent: false, timeout: 1_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.once("error", () => resolve(false));
    req.once("timeout", () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}
