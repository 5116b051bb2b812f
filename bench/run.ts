/**
 * `npm run bench`: the real server in production mode against the limits of this machine (issue 8).
 * Every server is a child process on 127.0.0.1; the load comes from autocannon in this process.
 * SQLite always; PostgreSQL too when BENCH_DATABASE_URL is set (a fresh schema, dropped afterwards).
 *
 * Each ratio's two sides are measured together (hello-world just before the dashboard, argon2id
 * just before and just after the password step), so a machine shared with other work skews both
 * alike; the CPU each side used is recorded too (see bench/README.md).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { fetchCsrfPairs, fullSignInLoad, getLoad, type LoadResult, passwordLoad, totpStepLoad } from "./load.ts";
import { BUSY_FRACTION, cpuBusyFraction, describeMachine } from "./machine.ts";
import type { Argon2Result, MicroResult } from "./micro.ts";
import { buildProduction, type ServerProcess, startGatehouse, startHelloWorld } from "./processes.ts";
import { checkGoals, stormGoals, type LoadName, type MeasuredLoad, type Report, type RunDetails, type RunFigures, round, writeReport } from "./report.ts";
import { BENCH_APP_HOST, type BenchDatabase, clientAddress, postgresBenchDatabase, sqliteBenchDatabase } from "./seed.ts";
import { describeStorm, stormFigures, stormLoad } from "./storm.ts";
import { mergeStormFigures, runStormOnly, type StormOnlyRun } from "./storm-only.ts";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
/** Seconds of each measured load and of the warm-up before it (BENCH_DURATION_S shortens a trial run). */
const LOAD_S = Number(process.env.BENCH_DURATION_S ?? 10);
const WARMUP_S = Math.min(2, LOAD_S);
/** The bound on the whole run is 5 minutes; the watchdog stops everything a little before. */
const WATCHDOG_MS = 290_000;
const GET_CONNECTIONS = 10;
const SIGNIN_CONNECTIONS = 8;
const TOTP_STEP_WARMUP = 200;
const TOTP_STEP_COUNT = 2_000;
/** Browsers (CSRF cookie + token) the sign-in loads rotate through. */
const CSRF_JARS = 32;
const DASHBOARD_SESSIONS = GET_CONNECTIONS;
/** `npm run bench -- storm` (or BENCH_ONLY=storm): the password step and the storm only (bench/storm-only.ts). */
const STORM_ONLY = process.argv.slice(2).includes("storm") || process.env.BENCH_ONLY === "storm";

if (process.env.BENCH_CHEAP_ARGON2) throw new Error("BENCH_CHEAP_ARGON2 is for `npm run bench:profile` only");
const started = performance.now();
const live = new Set<{ stop(): Promise<void> }>();
const say = (line: string) => process.stdout.write(`${line}\n`);

function abort(reason: unknown): void {
  say(`bench: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
  void Promise.allSettled([...live].map((item) => item.stop())).then(() => process.exit(1));
}
process.once("uncaughtException", abort);
process.once("SIGINT", () => abort("interrupted"));
const watchdog = setTimeout(() => abort(`still running after ${WATCHDOG_MS / 1000} s; stopped everything`), WATCHDOG_MS);

/** Runs `work` against `server`, noting the cores the server and this process used meanwhile, and its peak memory. */
async function measure<T extends LoadResult>(server: ServerProcess, work: () => Promise<T>): Promise<T & MeasuredLoad> {
  let rssPeak = server.rssMiB() ?? 0;
  const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, server.rssMiB() ?? 0)), 100);
  const serverBefore = server.cpuSeconds();
  const mainBefore = server.mainThreadCpuSeconds();
  const selfBefore = process.cpuUsage();
  const t0 = performance.now();
  const result = await work();
  const wallS = (performance.now() - t0) / 1000;
  const serverAfter = server.cpuSeconds();
  const mainAfter = server.mainThreadCpuSeconds();
  const self = process.cpuUsage(selfBefore);
  clearInterval(sampler);
  const serverCores = serverBefore !== null && serverAfter !== null ? (serverAfter - serverBefore) / wallS : null;
  return {
    ...result,
    serverCores: serverCores === null ? null : round(serverCores, 2),
    perServerCoreSecond: serverCores ? round(result.perSecond / serverCores, 1) : null,
    mainThreadUsPerOp: mainBefore !== null && mainAfter !== null && result.ok > 0 ? round(((mainAfter - mainBefore) * 1e6) / result.ok, 0) : null,
    generatorCores: round((self.user + self.system) / 1e6 / wallS, 2),
    rssPeakMiB: round(rssPeak, 1),
  };
}

function show(name: LoadName, load: MeasuredLoad): void {
  say(
    `  ${name.padEnd(16)} ${load.perSecond.toFixed(1).padStart(9)}/s  p50 ${load.latencyP50Ms.toFixed(1)} ms  p99 ${load.latencyP99Ms.toFixed(1)} ms  failed ${load.failed}  server ${load.serverCores} cores (${load.perServerCoreSecond}/core-s, event loop ${load.mainThreadUsPerOp} µs/op), generator ${load.generatorCores}, server RSS peak ${load.rssPeakMiB} MiB`,
  );
}

/** Peak resident memory of `server` while the loads run (warm-ups included), sampled every 100 ms. */
function sampleRss(server: ServerProcess): { stop(): number } {
  let peak = server.rssMiB() ?? 0;
  const timer = setInterval(() => (peak = Math.max(peak, server.rssMiB() ?? 0)), 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, server.rssMiB() ?? 0);
    },
  };
}

async function runMicro<T>(args: string[]): Promise<T> {
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", `${BENCH_DIR}micro.ts`, ...args], { cwd: BENCH_DIR, timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as T;
}

async function runHelloWorld(workDir: string): Promise<MeasuredLoad> {
  const hello = await startHelloWorld(workDir, `${workDir}/hello-world.log`);
  live.add(hello);
  try {
    await getLoad({ baseUrl: hello.baseUrl, path: "/", connections: GET_CONNECTIONS, durationS: WARMUP_S });
    return await measure(hello, () => getLoad({ baseUrl: hello.baseUrl, path: "/", connections: GET_CONNECTIONS, durationS: LOAD_S }));
  } finally {
    await hello.stop();
    live.delete(hello);
  }
}

/** Error lines (pino level ≥ 50) the server logged while serving, and while shutting down. */
function logErrors(logPath: string): { serving: number; shutdown: number } {
  const lines = readFileSync(logPath, "utf8").split("\n");
  const stopAt = lines.findIndex((line) => line.includes('"msg":"shutting down"'));
  const isError = (line: string) => /"level":(50|60)/.test(line);
  const serving = lines.slice(0, stopAt === -1 ? undefined : stopAt).filter(isError);
  const shutdown = stopAt === -1 ? [] : lines.slice(stopAt).filter(isError);
  if (serving.length) say(`  server log: ${serving.length} error lines while serving, first: ${serving[0]!.slice(0, 300)}`);
  if (shutdown.length) say(`  server log: ${shutdown.length} error lines while shutting down, first: ${shutdown[0]!.slice(0, 300)}`);
  return { serving: serving.length, shutdown: shutdown.length };
}

async function runDatabase(database: BenchDatabase, micro: MicroResult): Promise<{ figures: RunFigures; details: RunDetails }> {
  // Each whole sign-in needs a user whose current TOTP step is unused: enough for the run at the argon2 limit, and some.
  const signInUsers = Math.max(500, Math.ceil(micro.argon2PerSecondAllCores * LOAD_S * 1.5));
  const seedStarted = performance.now();
  const seeded = await database.seed({ signInUsers, pendingSessions: TOTP_STEP_WARMUP + TOTP_STEP_COUNT, dashboardSessions: DASHBOARD_SESSIONS });
  say(`  seeded ${signInUsers + TOTP_STEP_WARMUP + TOTP_STEP_COUNT} users with an authenticator app in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);

  const logPath = `${database.dir}/server.log`;
  const server = await startGatehouse({ databaseUrl: database.url, secretKey: database.secretKey, workDir: database.dir, logPath, cpuProfileDir: process.env.BENCH_CPU_PROF || undefined });
  live.add(server);
  try {
    say(`  (g) gatehouse serve (production) answered /healthz ${server.coldStartMs.toFixed(0)} ms after spawn`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const rssIdle = server.rssMiB() ?? 0;
    const pairs = await fetchCsrfPairs(server.baseUrl, CSRF_JARS);
    const rss = sampleRss(server);
    const loads: RunDetails["loads"] = {};
    const record = (name: LoadName, load: MeasuredLoad) => {
      loads[name] = load;
      show(name, load);
    };

    // (d) then (e): the reference and the dashboard back to back (the portal sits idle meanwhile).
    record("hello_world", await runHelloWorld(database.dir));
    const cookieFor = (client: number) => ({
      cookie: `${pairs[client % pairs.length]!.cookie}; gatehouse_session=${seeded.dashboardTokens[client % seeded.dashboardTokens.length]}`,
      "x-forwarded-for": clientAddress(client),
    });
    const dashboard = { baseUrl: server.baseUrl, path: "/", connections: GET_CONNECTIONS, headersFor: cookieFor };
    await getLoad({ ...dashboard, durationS: WARMUP_S });
    record("dashboard", await measure(server, () => getLoad({ ...dashboard, durationS: LOAD_S })));

    // Forward auth as a reverse proxy asks it before every request to a protected app: the browser's
    // session cookie and the proxy's X-Forwarded-* headers; a 200 (with Remote-User) counts.
    const forwardedFor = (client: number) => ({
      cookie: `gatehouse_session=${seeded.dashboardTokens[client % seeded.dashboardTokens.length]}`,
      "x-forwarded-for": clientAddress(client),
      "x-forwarded-proto": "https",
      "x-forwarded-host": BENCH_APP_HOST,
      "x-forwarded-uri": "/reports/2026/summary.pdf",
    });
    const forwardAuth = { baseUrl: server.baseUrl, path: "/auth/forward", connections: GET_CONNECTIONS, headersFor: forwardedFor };
    await getLoad({ ...forwardAuth, durationS: WARMUP_S });
    record("forward_auth", await measure(server, () => getLoad({ ...forwardAuth, durationS: LOAD_S })));

    // (a) on both sides of (b): argon2id alone on every core just before and just after the password
    // step through HTTP, and (a) is their mean, so a shared machine drifting meanwhile skews both alike.
    const argon2Now = () => runMicro<Argon2Result>(["argon2", String(micro.argon2Concurrency)]);
    const signIn = { baseUrl: server.baseUrl, pairs, users: seeded.signInUsers, connections: SIGNIN_CONNECTIONS };
    await passwordLoad({ ...signIn, durationS: WARMUP_S });
    const argon2Before = await argon2Now();
    record("signin_password", await measure(server, () => passwordLoad({ ...signIn, durationS: LOAD_S })));
    const argon2After = await argon2Now();
    const argon2: Argon2Result = {
      argon2PerSecondAllCores: (argon2Before.argon2PerSecondAllCores + argon2After.argon2PerSecondAllCores) / 2,
      argon2PerCpuSecond: (argon2Before.argon2PerCpuSecond + argon2After.argon2PerCpuSecond) / 2,
      argon2Concurrency: micro.argon2Concurrency,
    };
    say(
      `  argon2id         ${argon2.argon2PerSecondAllCores.toFixed(1).padStart(9)}/s on all cores, ${argon2.argon2Concurrency} at once: ${argon2Before.argon2PerSecondAllCores.toFixed(1)} before, ${argon2After.argon2PerSecondAllCores.toFixed(1)} after (${argon2.argon2PerCpuSecond.toFixed(1)}/core-s)`,
    );

    // (f) over HTTP, then (c).
    const steps = { baseUrl: server.baseUrl, pairs, connections: SIGNIN_CONNECTIONS };
    await totpStepLoad({ ...steps, sessions: seeded.pendingSessions.slice(0, TOTP_STEP_WARMUP) });
    record("totp_step_http", await measure(server, () => totpStepLoad({ ...steps, sessions: seeded.pendingSessions.slice(TOTP_STEP_WARMUP) })));
    const full = await measure(server, () => fullSignInLoad({ ...signIn, durationS: LOAD_S }));
    record("signin_full", full);
    const rssLoad = rss.stop();
    say(`  (g) resident memory: ${rssIdle.toFixed(1)} MiB idle, ${rssLoad.toFixed(1)} MiB peak under load`);

    // (h) the storm, at a multiple of (b), with its own memory peak.
    const stormRss = sampleRss(server);
    const storm = await stormLoad({ baseUrl: server.baseUrl, pairs, users: seeded.signInUsers, dashboardTokens: seeded.dashboardTokens, rememberedBrowsers: seeded.rememberedBrowsers, capacityPerSecond: loads.signin_password!.perSecond });
    const stormRssMb = stormRss.stop();
    say(describeStorm(storm, stormRssMb));

    // Let the requests autocannon abandoned at its deadline finish before the server is stopped.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await server.stop();
    live.delete(server);

    const hello = loads.hello_world!;
    const dash = loads.dashboard!;
    const password = loads.signin_password!;
    const figures: RunFigures = {
      argon2_verify_per_s: round(argon2.argon2PerSecondAllCores, 1),
      signin_password_per_s: round(password.perSecond, 1),
      signin_ratio: round(password.perSecond / argon2.argon2PerSecondAllCores, 3),
      signin_full_per_s: round(full.perSecond, 1),
      hello_world_per_s: round(hello.perSecond, 1),
      dashboard_per_s: round(dash.perSecond, 1),
      dashboard_ratio: round(dash.perSecond / hello.perSecond, 3),
      totp_verify_per_s: round(micro.totpVerifyPerSecondOneCore, 0),
      rss_idle_mb: round(rssIdle, 1),
      rss_load_mb: round(rssLoad, 1),
      cold_start_ms: round(server.coldStartMs, 0),
      forward_auth_per_s: round(loads.forward_auth!.perSecond, 1),
      forward_auth_ratio: round(loads.forward_auth!.perSecond / hello.perSecond, 3),
      database: database.dialect,
      ...stormFigures(storm, stormRssMb),
    };
    const errors = logErrors(logPath);
    const details: RunDetails = {
      database: database.dialect,
      loads,
      argon2PerCpuSecond: round(argon2.argon2PerCpuSecond, 1),
      argon2BeforeAfter: [round(argon2Before.argon2PerSecondAllCores, 1), round(argon2After.argon2PerSecondAllCores, 1)],
      signinRatioPerCpu: password.perServerCoreSecond ? round(password.perServerCoreSecond / argon2.argon2PerCpuSecond, 3) : null,
      dashboardRatioPerCpu: dash.perServerCoreSecond && hello.perServerCoreSecond ? round(dash.perServerCoreSecond / hello.perServerCoreSecond, 3) : null,
      totpStepHttpPerSecond: round(loads.totp_step_http!.perSecond, 1),
      serverLogErrors: errors.serving,
      shutdownLogErrors: errors.shutdown,
      signInUserPoolReused: full.reused,
      storm,
    };
    return { figures, details };
  } finally {
    await server.stop();
    live.delete(server);
  }
}

function percent(fraction: number | null): string {
  return fraction === null ? "?" : `${(fraction * 100).toFixed(0)} %`;
}

const stormHooks = {
  say,
  track: (item: { stop(): Promise<void> }) => live.add(item),
  untrack: (item: { stop(): Promise<void> }) => live.delete(item),
  async peakRss<T>(server: ServerProcess, work: () => Promise<T>): Promise<[T, number]> {
    const rss = sampleRss(server);
    const result = await work();
    return [result, rss.stop()];
  },
};

/** Opens each database in turn (SQLite, then BENCH_DATABASE_URL's PostgreSQL), runs `work` on it and drops it. */
async function eachDatabase<T>(work: (database: BenchDatabase) => Promise<T>): Promise<T[]> {
  const databases: (() => Promise<BenchDatabase>)[] = [async () => sqliteBenchDatabase()];
  const pgUrl = process.env.BENCH_DATABASE_URL?.trim();
  if (pgUrl) databases.push(() => postgresBenchDatabase(pgUrl));
  const results: T[] = [];
  for (const open of databases) {
    const database = await open();
    const dropper = { stop: () => database.drop() };
    live.add(dropper);
    try {
      say(`${database.dialect}: the real server`);
      results.push(await work(database));
    } finally {
      live.delete(dropper);
      await database.drop(Boolean(process.env.BENCH_KEEP));
      if (process.env.BENCH_KEEP) say(`  kept ${database.dir}`);
    }
  }
  return results;
}

async function stormOnly(startedAt: string): Promise<void> {
  const runs: StormOnlyRun[] = await eachDatabase((database) => runStormOnly(database, LOAD_S, stormHooks));
  mergeStormFigures(`${BENCH_DIR}results.json`, runs, startedAt);
  say("");
  console.table(Object.fromEntries(runs.map((run) => [run.database, { capacity_per_s: round(run.capacityPerSecond, 1), ...run.figures }])));
  for (const run of runs.filter((r) => r.database === "sqlite")) {
    const figures = { ...run.figures, signin_password_per_s: run.capacityPerSecond, database: run.database } as RunFigures;
    for (const goal of stormGoals(figures)) say(`${goal.met ? "met    " : "NOT MET"}  ${goal.text} (${goal.database}): ${goal.value}`);
  }
  say(`\nMerged the storm figures into bench/results.json in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const before = loadavg().map((n) => round(n, 2));
  const startedAt = new Date().toISOString();
  const busyBefore = await cpuBusyFraction();
  say(`Gatehouse benchmark: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB, Node ${machine.node}; CPU ${percent(busyBefore)} busy before the start`);
  if ((busyBefore ?? 0) > BUSY_FRACTION) say("  note: other work is keeping this machine busy; absolute figures will be lower and noisier than on an idle one");

  // Production runs the compiled JavaScript (bin/gatehouse.cjs picks it when it is current).
  const buildStarted = performance.now();
  await buildProduction();
  say(`npm run build (dist/, as production runs it): ${((performance.now() - buildStarted) / 1000).toFixed(1)} s`);
  if (STORM_ONLY) return stormOnly(startedAt);

  say("(a, f) argon2id and TOTP limits, in a process of their own");
  const micro = await runMicro<MicroResult>([]);
  say(
    `  argon2id ${micro.argon2PerSecondOneCore.toFixed(1)}/s on one core (${micro.argon2MsPerVerify.toFixed(1)} ms), ${micro.argon2PerSecondAllCores.toFixed(1)}/s on all cores; verifyTotp ${micro.totpVerifyPerSecondOneCore.toFixed(0)}/s on one core`,
  );

  const results = await eachDatabase((database) => runDatabase(database, micro));
  const runs: RunFigures[] = results.map((result) => result.figures);
  const details: RunDetails[] = results.map((result) => result.details);

  const report: Report = {
    machine,
    startedAt,
    elapsedS: (performance.now() - started) / 1000,
    loadAverage: { before, after: loadavg().map((n) => round(n, 2)) },
    cpuBusyBefore: busyBefore === null ? null : round(busyBefore, 3),
    micro,
    runs,
    details,
  };
  writeReport(report, `${BENCH_DIR}results.json`, `${BENCH_DIR}RESULTS.md`);
  say("");
  console.table(Object.fromEntries(runs.map(({ database, ...figures }) => [database, figures])));
  for (const goal of checkGoals(report)) say(`${goal.met ? "met    " : "NOT MET"}  ${goal.text} (${goal.database}): ${goal.value}`);
  say(`\nWrote bench/results.json and bench/RESULTS.md in ${report.elapsedS.toFixed(0)} s.`);
}

try {
  await main();
} finally {
  clearTimeout(watchdog);
}
