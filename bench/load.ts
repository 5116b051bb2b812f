/**
 * The loads, generated with autocannon (keep-alive connections) from the orchestrator process, so
 * the load generator never shares a process with the server it measures. Every target is 127.0.0.1.
 */
import autocannon, { type Context, type RequestSpec, type Result } from "autocannon";
import { generateTotpCode } from "../src/auth/totp.ts";
import type { BenchUser } from "./seed.ts";
import { BENCH_PASSWORD } from "./seed.ts";

const FORM = "application/x-www-form-urlencoded";
const USER_AGENT = "gatehouse-bench";
const SESSION_COOKIE = "gatehouse_session";
const CSRF_COOKIE = "gatehouse_csrf";

export interface LoadResult {
  /** Successful operations a second (the expected status and redirect, nothing else counted). */
  perSecond: number;
  ok: number;
  failed: number;
  durationS: number;
  connections: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

/** A browser's CSRF state: the secret cookie and a token made from it (@fastify/csrf-protection). */
export interface CsrfPair {
  cookie: string;
  token: string;
}

/** One GET /login per virtual client: each gets its own CSRF cookie, as each browser would. */
export async function fetchCsrfPairs(baseUrl: string, count: number): Promise<CsrfPair[]> {
  const pairs: CsrfPair[] = [];
  for (let i = 0; i < count; i += 1) {
    const response = await fetch(`${baseUrl}/login`, { headers: { "user-agent": USER_AGENT } });
    const cookie = response.headers.getSetCookie().map((line) => line.split(";")[0]!).find((pair) => pair.startsWith(`${CSRF_COOKIE}=`));
    const token = /name="_csrf" value="([^"]+)"/.exec(await response.text())?.[1];
    if (!cookie || !token) throw new Error(`GET /login gave no CSRF cookie or token (status ${response.status})`);
    pairs.push({ cookie, token });
  }
  return pairs;
}

/** GETs `path` as fast as `connections` keep-alive clients can; 200s are counted. */
export async function getLoad(o: { baseUrl: string; path: string; connections: number; durationS: number; headersFor?: (client: number) => Record<string, string> }): Promise<LoadResult> {
  let clients = 0;
  const setupClient = (client: { setHeaders(headers: Record<string, string>): void }) => client.setHeaders({ "user-agent": USER_AGENT, ...o.headersFor?.(clients++) });
  const result = await autocannon({ url: `${o.baseUrl}${o.path}`, connections: o.connections, duration: o.durationS, setupClient });
  return summarize(result, o.connections, result["2xx"], result.non2xx + result.errors + result.timeouts);
}

/** (b) The password step: POST /login as the next browser (CSRF pair) and the next user each time; a 303 to /two-factor counts. */
export async function passwordLoad(o: { baseUrl: string; pairs: CsrfPair[]; users: BenchUser[]; connections: number; durationS: number }): Promise<LoadResult> {
  let jars = 0;
  let nextUser = 0;
  let ok = 0;
  let failed = 0;
  const requests: RequestSpec[] = [
    {
      method: "POST",
      path: "/login",
      setupRequest: (request, context) => {
        const pair = pairOf(context, o.pairs, () => jars++);
        const user = o.users[nextUser++ % o.users.length]!;
        return { ...request, headers: { ...request.headers, ...browser(pair.cookie, user.address) }, body: form({ _csrf: pair.token, email: user.email, password: BENCH_PASSWORD }) };
      },
      onResponse: (status, _body, _context, headers) => (status === 303 && headers.location === "/two-factor" ? ok++ : failed++),
    },
  ];
  const result = await autocannon({ url: o.baseUrl, connections: o.connections, duration: o.durationS, headers: { "user-agent": USER_AGENT }, requests });
  return summarize(result, o.connections, ok, failed + result.errors + result.timeouts);
}

/**
 * (c) Whole sign-ins: POST /login, then POST /two-factor/verify with the user's current TOTP code under
 * the new session cookie; a 303 to / counts. The server uses the real clock and accepts each step of a
 * user once, so each sign-in takes the next user of a pool sized for the run (`reused` says if it was not).
 * Latency is per whole sign-in, measured here from the first request's start to the second's answer.
 */
export async function fullSignInLoad(o: { baseUrl: string; pairs: CsrfPair[]; users: BenchUser[]; connections: number; durationS: number }): Promise<LoadResult & { reused: boolean }> {
  let jars = 0;
  let nextUser = 0;
  let ok = 0;
  let failed = 0;
  const latencies: number[] = [];
  const requests: RequestSpec[] = [
    {
      method: "POST",
      path: "/login",
      setupRequest: (request, context) => {
        const pair = pairOf(context, o.pairs, () => jars++);
        const user = o.users[nextUser++ % o.users.length]!;
        Object.assign(context, { user, session: null, startedAt: performance.now() });
        return { ...request, headers: { ...request.headers, ...browser(pair.cookie, user.address) }, body: form({ _csrf: pair.token, email: user.email, password: BENCH_PASSWORD }) };
      },
      onResponse: (status, _body, context, headers) => {
        context.session = status === 303 && headers.location === "/two-factor" ? sessionCookieOf(headers) : null;
        if (!context.session) failed++;
      },
    },
    {
      method: "POST",
      path: "/two-factor/verify",
      setupRequest: (request, context) => {
        if (!context.session) return null; // the password step failed: start over with the next user
        const pair = context.pair as CsrfPair;
        const user = context.user as BenchUser;
        const code = generateTotpCode({ secret: user.secret, nowMs: Date.now() });
        return { ...request, headers: { ...request.headers, ...browser(`${pair.cookie}; ${context.session as string}`, user.address) }, body: form({ _csrf: pair.token, code }) };
      },
      onResponse: (status, _body, context, headers) => {
        if (status === 303 && headers.location === "/") {
          ok++;
          latencies.push(performance.now() - (context.startedAt as number));
        } else failed++;
      },
    },
  ];
  const result = await autocannon({ url: o.baseUrl, connections: o.connections, duration: o.durationS, headers: { "user-agent": USER_AGENT }, requests });
  const summary = summarize(result, o.connections, ok, failed + result.errors + result.timeouts);
  return { ...summary, latencyP50Ms: percentile(latencies, 0.5), latencyP99Ms: percentile(latencies, 0.99), reused: nextUser > o.users.length };
}

/**
 * (f, over HTTP) The TOTP step alone: POST /two-factor/verify on sessions that passed the password
 * step beforehand, one request per session (a bounded count), each with its user's current code.
 * autocannon notices the end of a bounded run only at its next one-second tick, so the rate is taken
 * from the last answer's time instead.
 */
export async function totpStepLoad(o: { baseUrl: string; pairs: CsrfPair[]; sessions: { token: string; secret: Buffer; address: string }[]; connections: number }): Promise<LoadResult> {
  let jars = 0;
  let next = 0;
  let ok = 0;
  let failed = 0;
  let lastAnswerAt = 0;
  const requests: RequestSpec[] = [
    {
      method: "POST",
      path: "/two-factor/verify",
      setupRequest: (request, context) => {
        const pair = pairOf(context, o.pairs, () => jars++);
        const session = o.sessions[next++ % o.sessions.length]!;
        const code = generateTotpCode({ secret: session.secret, nowMs: Date.now() });
        return { ...request, headers: { ...request.headers, ...browser(`${pair.cookie}; ${SESSION_COOKIE}=${session.token}`, session.address) }, body: form({ _csrf: pair.token, code }) };
      },
      onResponse: (status, _body, _context, headers) => {
        lastAnswerAt = performance.now();
        if (status === 303 && headers.location === "/") ok++;
        else failed++;
      },
    },
  ];
  const startedAt = performance.now();
  const result = await autocannon({ url: o.baseUrl, connections: o.connections, amount: o.sessions.length, headers: { "user-agent": USER_AGENT }, requests });
  const summary = summarize(result, o.connections, ok, failed + result.errors + result.timeouts);
  const durationS = (lastAnswerAt - startedAt) / 1000;
  return { ...summary, durationS, perSecond: ok / durationS };
}

function pairOf(context: Context, pairs: CsrfPair[], next: () => number): CsrfPair {
  context.pair ??= pairs[next() % pairs.length]!;
  return context.pair as CsrfPair;
}

/**
 * The headers of a form post from one browser, as the reverse proxy passes it on: its cookies and
 * its own client address (the server trusts X-Forwarded-For from 127.0.0.1, see startGatehouse).
 */
function browser(cookie: string, address: string): Record<string, string> {
  return { "content-type": FORM, cookie, "x-forwarded-for": address };
}

function sessionCookieOf(headers: Record<string, string | string[]>): string | null {
  const lines = ([] as string[]).concat(headers["set-cookie"] ?? []);
  return lines.map((line) => line.split(";")[0]!).find((pair) => pair.startsWith(`${SESSION_COOKIE}=`)) ?? null;
}

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

function summarize(result: Result, connections: number, ok: number, failed: number): LoadResult {
  return { perSecond: ok / result.duration, ok, failed, durationS: result.duration, connections, latencyP50Ms: result.latency.p50, latencyP99Ms: result.latency.p99 };
}

export function percentile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
