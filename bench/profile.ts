/**
 * `npm run bench:profile -- <load>`: one load of the benchmark against a server started with
 * `--cpu-prof`, then where its main thread spent the time — by package and by function (self time).
 * The profile covers the event loop only: argon2id runs on libuv's threads and shows as idle here.
 * BENCH_CHEAP_ARGON2=1 seeds a hash at argon2id's smallest cost: the event loop's own work, uncontended.
 * Loads: dashboard, forward_auth, signin_password, totp_step_http (SQLite; BENCH_DURATION_S seconds, default 8).
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fetchCsrfPairs, getLoad, passwordLoad, totpStepLoad } from "./load.ts";
import { buildProduction, startGatehouse } from "./processes.ts";
import { BENCH_APP_HOST, clientAddress, sqliteBenchDatabase } from "./seed.ts";

const LOADS = ["dashboard", "forward_auth", "signin_password", "totp_step_http"] as const;
type Load = (typeof LOADS)[number];
const load = process.argv[2] as Load;
if (!LOADS.includes(load)) {
  process.stderr.write(`usage: npm run bench:profile -- ${LOADS.join("|")}\n`);
  process.exit(2);
}
const durationS = Number(process.env.BENCH_DURATION_S ?? 8);

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Which package (or our own directory) a script belongs to. */
function ownerOf(url: string): string {
  if (!url) return "(native / V8)";
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  if (url.startsWith("node:")) return "node core";
  const own = /\/((?:src|dist)\/[^/]+|bench)\//.exec(url);
  return own ? own[1]! : url;
}

function summarize(profile: CpuProfile): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === "(idle)").reduce((sum, [, us]) => sum + us, 0);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const busy = total - idle;
  const byOwner = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === "(idle)") continue;
    const owner = functionName.startsWith("(") ? functionName : ownerOf(url);
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + us);
    const name = `${functionName || "(anonymous)"} ${owner}:${lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + us);
  }
  const table = (map: Map<string, number>, rows: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, rows)
      .map(([name, us]) => `  ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${name}`)
      .join("\n");
  return [`main thread busy ${(busy / 1e6).toFixed(2)} s of ${(total / 1e6).toFixed(2)} s`, "by package (self time):", table(byOwner, 25), "by function (self time):", table(byFunction, 40)].join("\n");
}

await buildProduction();
const database = sqliteBenchDatabase();
const profileDir = mkdtempSync(join(tmpdir(), "gatehouse-profile-"));
try {
  const seeded = await database.seed({ signInUsers: 3_000, pendingSessions: 3_000, dashboardSessions: 10 });
  const server = await startGatehouse({ databaseUrl: database.url, secretKey: database.secretKey, workDir: database.dir, logPath: `${database.dir}/server.log`, cpuProfileDir: profileDir });
  const pairs = await fetchCsrfPairs(server.baseUrl, 32);
  let requests = 0; // answered as expected
  const [allBefore, mainBefore] = [server.cpuSeconds()!, server.mainThreadCpuSeconds()!];
  if (load === "dashboard") {
    const headersFor = (client: number) => ({ cookie: `${pairs[client % pairs.length]!.cookie}; gatehouse_session=${seeded.dashboardTokens[client % seeded.dashboardTokens.length]}`, "x-forwarded-for": clientAddress(client) });
    requests = (await getLoad({ baseUrl: server.baseUrl, path: "/", connections: 10, durationS, headersFor })).ok;
  } else if (load === "forward_auth") {
    const headersFor = (client: number) => ({ cookie: `gatehouse_session=${seeded.dashboardTokens[client % seeded.dashboardTokens.length]}`, "x-forwarded-for": clientAddress(client), "x-forwarded-proto": "https", "x-forwarded-host": BENCH_APP_HOST, "x-forwarded-uri": "/reports/2026/summary.pdf" });
    requests = (await getLoad({ baseUrl: server.baseUrl, path: "/auth/forward", connections: 10, durationS, headersFor })).ok;
  } else if (load === "signin_password") {
    requests = (await passwordLoad({ baseUrl: server.baseUrl, pairs, users: seeded.signInUsers, connections: 8, durationS })).ok;
  } else {
    requests = (await totpStepLoad({ baseUrl: server.baseUrl, pairs, sessions: seeded.pendingSessions, connections: 8 })).ok;
  }
  const perRequestUs = (seconds: number) => ((seconds * 1e6) / requests).toFixed(0);
  const cpu = `CPU per request: ${perRequestUs(server.cpuSeconds()! - allBefore)} µs in all, ${perRequestUs(server.mainThreadCpuSeconds()! - mainBefore)} µs on the main thread (the profile below)`;
  await server.stop();
  const file = readdirSync(profileDir).find((name) => name.endsWith(".cpuprofile"))!;
  const profile = JSON.parse(readFileSync(join(profileDir, file), "utf8")) as CpuProfile;
  process.stdout.write(`${load}: ${requests} requests; profile ${join(profileDir, file)}\n${cpu}\n${summarize(profile)}\n`);
} finally {
  await database.drop(process.env.BENCH_KEEP === "1");
}
