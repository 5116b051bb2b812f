/** bench/results.json (the figures the issue names, one object per database) and bench/RESULTS.md (the same, readable). */
import { writeFileSync } from "node:fs";
import type { LoadResult } from "./load.ts";
import { BUSY_FRACTION, type Machine } from "./machine.ts";
import type { MicroResult } from "./micro.ts";
import type { StormFigures, StormResult } from "./storm.ts";

/** The keys of issue 8, in its order, then issue 17's forward auth and the storm's of issue 19. */
export interface RunFigures extends StormFigures {
  argon2_verify_per_s: number;
  signin_password_per_s: number;
  signin_ratio: number;
  signin_full_per_s: number;
  hello_world_per_s: number;
  dashboard_per_s: number;
  dashboard_ratio: number;
  totp_verify_per_s: number;
  rss_idle_mb: number;
  rss_load_mb: number;
  cold_start_ms: number;
  /** GET /auth/forward with a full session for a registered app (issue 17), and its share of hello-world's rate. */
  forward_auth_per_s: number;
  forward_auth_ratio: number;
  database: "sqlite" | "postgres";
}

export type LoadName = "hello_world" | "dashboard" | "forward_auth" | "signin_password" | "totp_step_http" | "signin_full";

export interface MeasuredLoad extends LoadResult {
  /** Cores the server process kept busy (CPU seconds / wall seconds), main thread and threadpool together. */
  serverCores: number | null;
  /** Operations per CPU second of the server: the rate if it had had a core to itself. */
  perServerCoreSecond: number | null;
  /** CPU of the server's main thread (the event loop) per operation, µs: the portal's own work, argon2id aside. */
  mainThreadUsPerOp: number | null;
  /** Cores the load generator (this process) used meanwhile. */
  generatorCores: number;
  /** The server's peak resident memory during this load, MiB. */
  rssPeakMiB: number;
}

export interface RunDetails {
  database: "sqlite" | "postgres";
  loads: Partial<Record<LoadName, MeasuredLoad>>;
  /** argon2id verifications per CPU second, the mean of just before and just after the password load. */
  argon2PerCpuSecond: number;
  /** argon2id verifications a second on all cores, just before and just after the password load. */
  argon2BeforeAfter: [number, number];
  /** b/a per CPU second: password steps per server CPU second over argon2id verifications per CPU second. */
  signinRatioPerCpu: number | null;
  /** e/d per CPU second of each server. */
  dashboardRatioPerCpu: number | null;
  totpStepHttpPerSecond: number;
  serverLogErrors: number;
  shutdownLogErrors: number;
  signInUserPoolReused: boolean;
  /** (h) the sign-in storm in full (its figures are in RunFigures). */
  storm: StormResult;
}

export interface Report {
  machine: Machine;
  startedAt: string;
  elapsedS: number;
  loadAverage: { before: number[]; after: number[] };
  /** Share of all cores busy in the second before the run started (other work on the machine). */
  cpuBusyBefore: number | null;
  micro: MicroResult;
  runs: RunFigures[];
  details: RunDetails[];
}

export interface Goal {
  text: string;
  database: string;
  value: string;
  met: boolean;
}

export function checkGoals(report: Report): Goal[] {
  const goals: Goal[] = [];
  const sqlite = report.runs.find((r) => r.database === "sqlite");
  const postgres = report.runs.find((r) => r.database === "postgres");
  for (const run of report.runs) {
    goals.push({ text: "signin_ratio ≥ 0.90", database: run.database, value: run.signin_ratio.toFixed(2), met: run.signin_ratio >= 0.9 });
    goals.push({ text: "dashboard_ratio ≥ 0.50", database: run.database, value: run.dashboard_ratio.toFixed(2), met: run.dashboard_ratio >= 0.5 });
    if (run.forward_auth_ratio !== undefined) goals.push({ text: "forward_auth_ratio ≥ 0.50", database: run.database, value: run.forward_auth_ratio.toFixed(2), met: run.forward_auth_ratio >= 0.5 });
    goals.push({ text: "rss_load_mb < 250", database: run.database, value: fmt(run.rss_load_mb), met: run.rss_load_mb < 250 });
    goals.push({ text: "cold_start_ms < 1,500", database: run.database, value: fmt(run.cold_start_ms), met: run.cold_start_ms < 1500 });
  }
  if (sqlite) goals.push(...stormGoals(sqlite));
  if (sqlite) goals.push({ text: "totp_verify_per_s ≥ 10,000 per core", database: "sqlite", value: fmt(sqlite.totp_verify_per_s), met: sqlite.totp_verify_per_s >= 10_000 });
  if (sqlite && postgres) {
    const share = postgres.dashboard_per_s / sqlite.dashboard_per_s;
    goals.push({ text: "PostgreSQL dashboard ≥ half of SQLite's", database: "postgres", value: share.toFixed(2), met: share >= 0.5 });
  }
  return goals;
}

/** Issue 19's goals for the storm, on SQLite. */
export function stormGoals(run: RunFigures): Goal[] {
  const goal = (text: string, value: number, met: boolean, digits = 0): Goal => ({ text, database: run.database, value: fmt(value, digits), met });
  const share = run.storm_signin_ok_per_s / run.signin_password_per_s;
  return [
    goal("storm offered ≥ 3 × signin_password_per_s", run.storm_offered_per_s / run.signin_password_per_s, run.storm_offered_per_s >= 3 * run.signin_password_per_s, 2),
    goal("storm_signin_ok_per_s ≥ 0.85 × signin_password_per_s", share, share >= 0.85, 2),
    goal("storm_signin_p99_ms ≤ 2,500", run.storm_signin_p99_ms, run.storm_signin_p99_ms <= 2500),
    goal("storm_shed_p99_ms < 100", run.storm_shed_p99_ms, run.storm_shed_p99_ms < 100),
    goal("storm_dashboard_p99_ms < 50", run.storm_dashboard_p99_ms, run.storm_dashboard_p99_ms < 50),
    goal("storm_rss_mb < 250", run.storm_rss_mb, run.storm_rss_mb < 250),
    // Ours (issue 19 item 2): a flood from many addresses does not shed remembered browsers.
    goal("storm_known_ok_share ≥ 0.95", run.storm_known_ok_share, run.storm_known_ok_share >= 0.95, 3),
  ];
}

export function writeReport(report: Report, jsonPath: string, markdownPath: string): void {
  const json = {
    runs: report.runs,
    machine: report.machine,
    started_at: report.startedAt,
    elapsed_s: round(report.elapsedS, 0),
    cpu_busy_before: report.cpuBusyBefore,
    load_average: report.loadAverage,
    details: report.details,
    micro: report.micro,
  };
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
  writeFileSync(markdownPath, renderMarkdown(report));
}

const LOAD_LABELS: Record<LoadName, string> = {
  hello_world: "(d) bare Fastify hello-world `GET /`",
  dashboard: "(e) dashboard `GET /` with a full session",
  forward_auth: "forward auth `GET /auth/forward` with a full session (issue 17)",
  signin_password: "(b) password step `POST /login`",
  totp_step_http: "(f) TOTP step `POST /two-factor/verify`",
  signin_full: "(c) whole sign-in (password + TOTP code)",
};

export function renderMarkdown(report: Report): string {
  const { machine, micro, runs, details } = report;
  const busy = report.cpuBusyBefore;
  const dbs = runs.map((r) => r.database);
  const row = (label: string, cell: (run: RunFigures, detail: RunDetails) => string) => `| ${label} | ${runs.map((run, i) => cell(run, details[i]!)).join(" | ")} |`;
  const header = `| figure | ${dbs.join(" | ")} |\n|---|${dbs.map(() => "---:").join("|")}|`;
  const loadRows = (Object.keys(LOAD_LABELS) as LoadName[]).map((name) =>
    row(LOAD_LABELS[name], (_run, detail) => {
      const load = detail.loads[name];
      return load
        ? `${fmt(load.perSecond)}/s · p50 ${ms(load.latencyP50Ms)} · p99 ${ms(load.latencyP99Ms)} · server ${load.serverCores?.toFixed(2) ?? "?"} cores = ${load.perServerCoreSecond === null ? "?" : fmt(load.perServerCoreSecond)}/core-s · event loop ${load.mainThreadUsPerOp === null ? "?" : fmt(load.mainThreadUsPerOp)} µs/op · RSS ≤ ${fmt(load.rssPeakMiB)} MiB`
        : "—";
    }),
  );
  const goals = checkGoals(report)
    .map((g) => `| ${g.text} | ${g.database} | ${g.value} | ${g.met ? "met" : "**not met**"} |`)
    .join("\n");
  return `# Gatehouse benchmark results

Written by \`npm run bench\` on ${report.startedAt} in ${report.elapsedS.toFixed(0)} s. How it is measured, and why a
goal is missed where one is: [bench/README.md](README.md). Raw figures: [results.json](results.json).

**Machine:** ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB} GiB memory, Node ${machine.node}, ${machine.kernel}.
Other work before the start: ${busy === null ? "unknown" : `${(busy * 100).toFixed(0)} % of the CPU busy`}${busy !== null && busy > BUSY_FRACTION ? " (**the machine was not idle**: absolute figures are lower and noisier than an idle machine's)" : " (idle)"};
load average before / after the run ${report.loadAverage.before.join(" ")} / ${report.loadAverage.after.join(" ")}.
The load generator (autocannon) runs on the same ${machine.cores} cores as the server it measures.

## The figures (issue 8)

${header}
${row("(a) argon2id verifications a second, all cores (`argon2_verify_per_s`)", (r) => fmt(r.argon2_verify_per_s))}
${row("(b) password sign-in steps a second (`signin_password_per_s`)", (r) => fmt(r.signin_password_per_s))}
${row("**b / a** (`signin_ratio`)", (r) => `**${r.signin_ratio.toFixed(2)}**`)}
${row("(c) whole sign-ins a second (`signin_full_per_s`)", (r) => fmt(r.signin_full_per_s))}
${row("(d) hello-world requests a second (`hello_world_per_s`)", (r) => fmt(r.hello_world_per_s))}
${row("(e) dashboard requests a second (`dashboard_per_s`)", (r) => fmt(r.dashboard_per_s))}
${row("**e / d** (`dashboard_ratio`)", (r) => `**${r.dashboard_ratio.toFixed(2)}**`)}
${row("forward-auth answers a second (`forward_auth_per_s`)", (r) => (r.forward_auth_per_s === undefined ? "—" : fmt(r.forward_auth_per_s)))}
${row("**forward auth / d** (`forward_auth_ratio`)", (r) => (r.forward_auth_ratio === undefined ? "—" : `**${r.forward_auth_ratio.toFixed(2)}**`))}
${row("(f) TOTP verifications a second, one core, in-process (`totp_verify_per_s`)", (r) => fmt(r.totp_verify_per_s))}
${row("(f) TOTP steps a second over HTTP (whole `POST /two-factor/verify`)", (_r, d) => fmt(d.totpStepHttpPerSecond))}
${row("b / a per CPU second (server CPU vs argon2id CPU)", (_r, d) => (d.signinRatioPerCpu === null ? "?" : d.signinRatioPerCpu.toFixed(2)))}
${row("e / d per CPU second (each server's CPU)", (_r, d) => (d.dashboardRatioPerCpu === null ? "?" : d.dashboardRatioPerCpu.toFixed(2)))}
${row("(g) resident memory idle, MiB (`rss_idle_mb`)", (r) => fmt(r.rss_idle_mb, 1))}
${row("(g) resident memory under load, peak, MiB (`rss_load_mb`)", (r) => fmt(r.rss_load_mb, 1))}
${row("(g) cold start to first answered `/healthz`, ms (`cold_start_ms`)", (r) => fmt(r.cold_start_ms))}
${row("(h) storm: sign-ins offered a second (`storm_offered_per_s`)", (r) => fmt(r.storm_offered_per_s))}
${row("(h) storm: accepted, a second (`storm_signin_ok_per_s`)", (r) => fmt(r.storm_signin_ok_per_s))}
${row("(h) storm: shed (503), a second (`storm_shed_per_s`)", (r) => fmt(r.storm_shed_per_s))}
${row("(h) storm: accepted sign-in p99, ms (`storm_signin_p99_ms`)", (r) => fmt(r.storm_signin_p99_ms))}
${row("(h) storm: shed answer p99, ms (`storm_shed_p99_ms`)", (r) => fmt(r.storm_shed_p99_ms))}
${row("(h) storm: dashboard p99, ms (`storm_dashboard_p99_ms`)", (r) => fmt(r.storm_dashboard_p99_ms, 1))}
${row("(h) storm: server resident memory, peak, MiB (`storm_rss_mb`)", (r) => fmt(r.storm_rss_mb, 1))}
${row("(h) storm: remembered browsers' sign-ins through (`storm_known_ok_share`)", (r) => fmt(r.storm_known_ok_share, 3))}
${row("(h) storm: remembered browsers' sign-in p99, ms (`storm_known_p99_ms`)", (r) => fmt(r.storm_known_p99_ms))}

argon2id at the configured parameters (m=19456 KiB, t=2, p=1), at the start of the run: ${fmt(micro.argon2PerSecondOneCore)}/s on one core
(${fmt(micro.argon2MsPerVerify, 1)} ms each), ${fmt(micro.argon2PerSecondAllCores)}/s on the ${machine.cores} cores (the better of one call per core and libuv's default 4 at once: ${micro.argon2Concurrency})
(${fmt(micro.argon2PerCpuSecond)} per CPU second). (a) in the table is the mean of two measurements just before and just after each (b)
(${details.map((d) => `${d.database} ${fmt(d.argon2BeforeAfter[0])} and ${fmt(d.argon2BeforeAfter[1])}`).join("; ")}); (d) is measured just before each (e).
TOTP: \`verifyTotp\` alone ${fmt(micro.totpVerifyPerSecondOneCore)}/s on one core; with the AES-GCM decryption of the key
(what the server does before it) ${fmt(micro.totpVerifyWithDecryptPerSecondOneCore)}/s.

## Each load: rate, latency, and the cores the server used

${header}
${loadRows.join("\n")}

Failed operations (anything but the expected status and redirect): ${details.map((d) => `${d.database} ${Object.values(d.loads).reduce((n, l) => n + (l?.failed ?? 0), 0)}`).join(", ")}.
Error lines in the server log while serving: ${details.map((d) => `${d.database} ${d.serverLogErrors}`).join(", ")}; while shutting down: ${details.map((d) => `${d.database} ${d.shutdownLogErrors}`).join(", ")}.
The password step and the whole sign-in use ${details[0]?.loads.signin_password?.connections ?? "?"} connections; the GET loads ${details[0]?.loads.dashboard?.connections ?? "?"}.

## Goals

| goal | database | measured | |
|---|---|---:|---|
${goals}
`;
}

/** autocannon keeps whole milliseconds: 0 means under one. */
function ms(value: number): string {
  return value < 1 ? "< 1 ms" : `${fmt(value, value < 10 ? 1 : 0)} ms`;
}

function fmt(value: number, digits = 0): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
