/**
 * `npm run bench -- storm`: only (b), to know the capacity, then the storm (h), for a quick measurement.
 * The storm figures are merged into bench/results.json's `runs` for the same database (the other
 * figures stay those of the last full run); RESULTS.md is rewritten by full runs only.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { fetchCsrfPairs, passwordLoad } from "./load.ts";
import { type ServerProcess, startGatehouse } from "./processes.ts";
import type { BenchDatabase } from "./seed.ts";
import { describeStorm, type StormFigures, stormFigures, stormLoad, type StormResult } from "./storm.ts";

export interface StormOnlyRun {
  database: BenchDatabase["dialect"];
  /** (b) measured just before the storm: the capacity the storm offers a multiple of. */
  capacityPerSecond: number;
  figures: StormFigures;
  storm: StormResult;
}

export interface Hooks {
  say(line: string): void;
  track(item: { stop(): Promise<void> }): void;
  untrack(item: { stop(): Promise<void> }): void;
  /** Peak resident memory of the server while `work` runs. */
  peakRss<T>(server: ServerProcess, work: () => Promise<T>): Promise<[T, number]>;
}

export async function runStormOnly(database: BenchDatabase, loadS: number, hooks: Hooks): Promise<StormOnlyRun> {
  const seeded = await database.seed({ signInUsers: 500, pendingSessions: 0, dashboardSessions: 10 });
  const server = await startGatehouse({ databaseUrl: database.url, secretKey: database.secretKey, workDir: database.dir, logPath: `${database.dir}/server.log` });
  hooks.track(server);
  try {
    const pairs = await fetchCsrfPairs(server.baseUrl, 32);
    const signIn = { baseUrl: server.baseUrl, pairs, users: seeded.signInUsers, connections: 8 };
    await passwordLoad({ ...signIn, durationS: Math.min(2, loadS) });
    const capacity = await passwordLoad({ ...signIn, durationS: loadS });
    hooks.say(`  (b) password step ${capacity.perSecond.toFixed(1)}/s (p99 ${capacity.latencyP99Ms} ms): the storm offers a multiple of it`);
    const [storm, rss] = await hooks.peakRss(server, () => stormLoad({ baseUrl: server.baseUrl, pairs, users: seeded.signInUsers, dashboardTokens: seeded.dashboardTokens, rememberedBrowsers: seeded.rememberedBrowsers, capacityPerSecond: capacity.perSecond }));
    hooks.say(describeStorm(storm, rss));
    return { database: database.dialect, capacityPerSecond: capacity.perSecond, figures: stormFigures(storm, rss), storm };
  } finally {
    await server.stop();
    hooks.untrack(server);
  }
}

/** Writes the storm figures into results.json's run of the same database, and the storm's details beside them. */
export function mergeStormFigures(jsonPath: string, runs: StormOnlyRun[], startedAt: string): void {
  const json = existsSync(jsonPath) ? (JSON.parse(readFileSync(jsonPath, "utf8")) as { runs?: Record<string, unknown>[]; details?: Record<string, unknown>[]; storm_only?: unknown }) : {};
  json.runs ??= [];
  json.details ??= [];
  for (const run of runs) {
    const figures = json.runs.find((r) => r.database === run.database);
    if (figures) Object.assign(figures, run.figures);
    else json.runs.push({ database: run.database, ...run.figures });
    const details = json.details.find((d) => d.database === run.database);
    if (details) details.storm = run.storm;
  }
  json.storm_only = { started_at: startedAt, capacity_per_s: Object.fromEntries(runs.map((r) => [r.database, Math.round(r.capacityPerSecond * 10) / 10])) };
  writeFileSync(jsonPath, `${JSON.stringify(json, null, 2)}\n`);
}
