/**
 * A fresh database for one benchmark run, filled through the domain functions before the server starts:
 * users, their authenticator apps (enrolled and activated as the set-up page does), pending sessions
 * for the TOTP-step load and full sessions for the dashboard load, and the reverse-proxied app the
 * forward-auth load asks about.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { systemClock } from "../src/clock.ts";
import { hash } from "@node-rs/argon2";
import { ARGON2ID_OPTIONS, hashPassword } from "../src/auth/password.ts";
import { createApp } from "../src/auth/apps.ts";
import { rememberBrowser } from "../src/auth/remembered-browsers.ts";
import { activateFactor, startTotpSetup } from "../src/auth/second-factor.ts";
import { createSession, deleteSession } from "../src/auth/session.ts";
import { insertUser, prepareUser } from "../src/auth/user.ts";
import { createKeyring } from "../src/crypto/encryption.ts";
import { cryptoRandom } from "../src/crypto/random.ts";
import { type Database, openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrator.ts";

export const BENCH_PASSWORD = "bench: correct horse battery staple";
/** The host of the app behind the simulated reverse proxy (forward auth); header values only, never connected to. */
export const BENCH_APP_HOST = "files.bench.test";
const META = { ip: "127.0.0.1", userAgent: "gatehouse-bench seed" };

export interface BenchUser {
  email: string;
  secret: Buffer;
  /** The client address the proxy reports for this user (X-Forwarded-For): see clientAddress. */
  address: string;
}

/**
 * A distinct client for the i-th user, from the IPv6 documentation prefix (RFC 3849): only ever written
 * into X-Forwarded-For, never connected to. Each in a /64 of its own, because the portal counts an IPv6
 * client per /64 (src/http/network/ip-group.ts): addresses inside one /64 would share its per-client
 * limits (600 form posts a minute) and the bench would measure the rate limiter.
 */
export function clientAddress(index: number): string {
  return `2001:db8:${Math.floor(index / 65_536).toString(16)}:${(index % 65_536).toString(16)}::1`;
}

export interface Seeded {
  /** For the password and whole sign-in loads; each signs in at most once a TOTP step. */
  signInUsers: BenchUser[];
  /** Pending sessions (token) of other users with their secret: one TOTP step each. */
  pendingSessions: { token: string; secret: Buffer; address: string }[];
  /** Full-session tokens for the dashboard load. */
  dashboardTokens: string[];
  /** Browsers that users asked to remember (the storm's known clients): the user and the cookie to send. */
  rememberedBrowsers: { email: string; cookie: string }[];
}

/** Remembered browsers seeded for the storm's known clients (bench/storm.ts). */
export const REMEMBERED_BROWSERS = 10;

export interface BenchDatabase {
  dialect: "sqlite" | "postgres";
  /** The DATABASE_URL the server is started with. */
  url: string;
  secretKey: string;
  /** A temporary directory of this run (SQLite file, server log), removed by drop(). */
  dir: string;
  /** Migrates and seeds; the connection is closed again before the server starts. */
  seed(counts: { signInUsers: number; pendingSessions: number; dashboardSessions: number }): Promise<Seeded>;
  /** Removes the database; `keepFiles` leaves the temp dir (server log) for a look afterwards. */
  drop(keepFiles?: boolean): Promise<void>;
}

export function sqliteBenchDatabase(): BenchDatabase {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
  const path = join(dir, "gatehouse.db");
  return withSeed({ dialect: "sqlite", url: `sqlite://${path}`, dir }, () => openDatabase({ dialect: "sqlite", path }), async (keepFiles) => {
    if (!keepFiles) rmSync(dir, { recursive: true, force: true });
  });
}

/** A new schema on the server of `baseUrl`, selected for the server by `options=-c search_path=…`. */
export async function postgresBenchDatabase(baseUrl: string): Promise<BenchDatabase> {
  const schema = `gh_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  await admin.end();
  const serverUrl = `${baseUrl}${baseUrl.includes("?") ? "&" : "?"}options=-c%20search_path%3D${schema}`;
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-bench-"));
  const drop = async (keepFiles = false) => {
    if (!keepFiles) rmSync(dir, { recursive: true, force: true });
    const cleanup = new pg.Client({ connectionString: baseUrl });
    await cleanup.connect();
    await cleanup.query(`drop schema if exists ${schema} cascade`);
    await cleanup.end();
  };
  return withSeed({ dialect: "postgres", url: serverUrl, dir }, () => openDatabase({ dialect: "postgres", url: baseUrl }, { searchPath: schema, poolSize: 8 }), drop);
}

function withSeed(target: { dialect: "sqlite" | "postgres"; url: string; dir: string }, open: () => Database, drop: (keepFiles?: boolean) => Promise<void>): BenchDatabase {
  const secretKey = cryptoRandom.bytes(32).toString("base64");
  return {
    ...target,
    secretKey,
    drop,
    async seed(counts) {
      const database = open();
      try {
        await migrateToLatest(database);
        return await seedUsers(database, secretKey, counts);
      } finally {
        await database.close();
      }
    },
  };
}

async function seedUsers(database: Database, secretKey: string, counts: { signInUsers: number; pendingSessions: number; dashboardSessions: number }): Promise<Seeded> {
  const db = database.db;
  const deps = { clock: systemClock, random: cryptoRandom, keyring: createKeyring([{ id: "k1", key: Buffer.from(secretKey, "base64") }]) };
  // One argon2id hash shared by every bench user: verifying it costs exactly what any other does, and
  // seeding thousands of users takes a second instead of a minute of hashing.
  // BENCH_CHEAP_ARGON2=1 (profiling only, never in `npm run bench`): a hash at argon2id's smallest cost,
  // so the event loop's own work is profiled without argon2's threads competing for the cores.
  const passwordHash = process.env.BENCH_CHEAP_ARGON2 === "1" ? await hash(BENCH_PASSWORD.normalize("NFKC"), { ...ARGON2ID_OPTIONS, memoryCost: 8, timeCost: 1 }) : await hashPassword(BENCH_PASSWORD);

  async function enrolledUser(index: number): Promise<BenchUser & { id: string }> {
    const email = `bench${index}@example.com`;
    const prepared = await prepareUser(deps, { email, displayName: `Bench Client ${index}`, role: "client", password: null });
    if (!prepared.ok) throw new Error(`bench user: ${prepared.error}`);
    const inserted = await insertUser(db, { ...prepared.user, password_hash: passwordHash });
    if (!inserted.ok) throw new Error(`bench user: ${inserted.error}`);
    const userId = prepared.user.id;
    // What the app set-up page does: a set-up under a session, then activated by a verified code.
    const { session } = await createSession(db, deps, userId, { stage: "pending", meta: META });
    const { factor, secret } = await startTotpSetup(db, deps, userId, session.id);
    const activated = await db.transaction().execute((trx) => activateFactor(trx, factor, deps.clock.nowMs(), null));
    if (!activated) throw new Error("bench user: TOTP activation failed");
    await deleteSession(db, session.id);
    return { id: userId, email, secret, address: clientAddress(index) };
  }

  const total = counts.signInUsers + counts.pendingSessions;
  const users = await inBatches(total, database.dialect === "postgres" ? 8 : 1, enrolledUser);
  const signInUsers = users.slice(0, counts.signInUsers);
  const pendingUsers = users.slice(counts.signInUsers);
  const pendingSessions = await inBatches(pendingUsers.length, 8, async (i) => {
    const user = pendingUsers[i]!;
    const { token } = await createSession(db, deps, user.id, { stage: "pending", meta: META });
    return { token, secret: user.secret, address: user.address };
  });
  const dashboardTokens = await inBatches(counts.dashboardSessions, 8, async (i) => {
    const user = signInUsers[i % signInUsers.length]!;
    const { token } = await createSession(db, deps, user.id, { stage: "full", meta: META, secondFactorAt: deps.clock.nowMs() });
    return token;
  });
  // The last sign-in users (the flood reaches them last) each get a remembered browser, as "Remember this
  // browser" would give them (the bench server's PUBLIC_URL is http: the cookie has no __Host- prefix).
  const rememberedBrowsers = await inBatches(Math.min(REMEMBERED_BROWSERS, signInUsers.length), 8, async (i) => {
    const user = signInUsers[signInUsers.length - 1 - i]!;
    const { cookieValue } = await rememberBrowser(db, deps, { userId: user.id, days: 30, meta: META });
    return { email: user.email, cookie: `gatehouse_remember=${cookieValue}` };
  });
  const app = await createApp(db, deps, { name: "Bench files", url: `https://${BENCH_APP_HOST}/`, method: "proxy" });
  if (!app.ok) throw new Error(`bench app: ${app.error}`);
  return { signInUsers: signInUsers.map(({ email, secret, address }) => ({ email, secret, address })), pendingSessions, dashboardTokens, rememberedBrowsers };
}

/** Runs `make(0 … count-1)` with at most `parallel` in flight, keeping the order of the results. */
async function inBatches<T>(count: number, parallel: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await make(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}
