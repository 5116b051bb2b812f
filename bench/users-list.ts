/**
 * The console's Users page on 10,000 users: each query's plan and the time of a whole page's reads,
 * on SQLite and (with BENCH_DATABASE_URL) PostgreSQL. `node --import tsx bench/users-list.ts [users]`.
 * Prints the plans; what to look for: the page is read off the e-mail index (SQLite: no "USE TEMP
 * B-TREE FOR ORDER BY"; PostgreSQL: an Index Scan on users_email_normalized_key under the Limit).
 */
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { CompiledQuery, Kysely, type LogEvent, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import { type Database, openDatabase } from "../src/db/database.ts";
import { migrateToLatest } from "../src/db/migrator.ts";
import type { DB } from "../src/db/schema.ts";
import { findPendingInvitations } from "../src/features/support-console/invitations.service.ts";
import { ALL_USERS, type UserFilters } from "../src/features/support-console/users-list.query.ts";
import { findUsers, matching } from "../src/features/support-console/users-list.service.ts";

const USERS = Number(process.argv[2] ?? 10_000);
const id = () => randomBytes(16).toString("hex");
const NOW = Date.UTC(2026, 10, 29);

/** Users in random order: 1 % admins, 2 % support, 5 % disabled, 10 % invited; 80 % of the others with a factor. */
async function seed(database: Database): Promise<void> {
  const db = database.db;
  const order = Array.from({ length: USERS }, (_, i) => i).sort(() => Math.random() - 0.5);
  for (let start = 0; start < USERS; start += 500) {
    const batch = order.slice(start, start + 500).map((i) => {
      const invited = i % 10 === 3;
      return {
        id: id(), email: `user${i}@example.com`, email_normalized: `user${i}@example.com`, display_name: `User ${i}`,
        role: i % 100 === 0 ? ("admin" as const) : i % 50 === 1 ? ("support" as const) : ("client" as const),
        password_hash: invited ? null : "$argon2id$seed", disabled_at: i % 20 === 7 ? NOW : null, created_at: NOW,
        last_sign_in_at: invited ? null : NOW - i * 1000, previous_sign_in_at: null, fallback_phone_e164: null,
      };
    });
    await db.insertInto("users").values(batch).execute();
    const factors = batch.filter((u, k) => u.password_hash && k % 5 !== 0).map((u, k) => ({ id: id(), user_id: u.id, kind: k % 3 ? ("totp" as const) : ("sms" as const), status: "active" as const, session_id: null, totp_secret_enc: null, totp_last_step: null, phone_e164: k % 3 ? null : "+447400123456", created_at: NOW, expires_at: null, verified_at: NOW }));
    if (factors.length) await db.insertInto("second_factors").values(factors).execute();
    const links = batch.flatMap((u) => [
      ...(u.password_hash ? [] : [{ id: id(), purpose: "invite" as const, user_id: u.id, created_at: NOW, expires_at: NOW + 72 * 3_600_000, used_at: null, session_id: null, factor_verified_at: null }]),
      ...[1, 2].map(() => ({ id: id(), purpose: "password_reset" as const, user_id: u.id, created_at: NOW, expires_at: NOW, used_at: NOW, session_id: null, factor_verified_at: null })),
    ]);
    await db.insertInto("one_time_links").values(links).execute();
    const events = batch.flatMap((u) => [0, 1, 2, 3, 4].map((n) => ({ id: id(), at: NOW + n, type: n ? "signin.completed" : "user.created", actor_user_id: u.id, subject_user_id: u.id, ip: null, user_agent: null, detail: n ? null : '{"via":"cli"}' })));
    await db.insertInto("audit_events").values(events).execute();
  }
}

/** A second connection that keeps the SQL of every query it runs, to explain what a page ran. */
function loggingDb(dialect: "sqlite" | "postgres", target: string): { db: Kysely<DB>; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = [];
  const log = (event: LogEvent) => void (event.level === "query" && queries.push(event.query));
  const pool = () => new pg.Pool({ connectionString: process.env.BENCH_DATABASE_URL, options: `-c search_path=${target}`, max: 2 });
  const dialectOf = dialect === "sqlite" ? new SqliteDialect({ database: new SqliteDatabase(target) }) : new PostgresDialect({ pool: pool() });
  return { db: new Kysely<DB>({ dialect: dialectOf, log }), queries };
}

async function explain(dialect: "sqlite" | "postgres", db: Kysely<DB>, query: CompiledQuery): Promise<string> {
  const prefix = dialect === "sqlite" ? "EXPLAIN QUERY PLAN " : "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ";
  const result = await db.executeQuery(CompiledQuery.raw(prefix + query.sql, [...query.parameters]));
  return result.rows.map((row) => `    ${"detail" in (row as object) ? (row as { detail: string }).detail : String(Object.values(row as object)[0]).slice(0, 160)}`).join("\n");
}

async function medianMs(work: () => Promise<unknown>, runs = 15): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = process.hrtime.bigint();
    await work();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)]!;
}

async function measure(dialect: "sqlite" | "postgres", target: string): Promise<void> {
  const { db, queries } = loggingDb(dialect, target);
  const idAt = async (filters: UserFilters, index: number) =>
    (await db.selectFrom("users").select("id").where(matching(filters)).orderBy("email_normalized").offset(index).limit(1).executeTakeFirstOrThrow()).id;
  const set: UserFilters = { role: "client", status: "active", twoFactor: "set_up" };
  const none: UserFilters = { ...ALL_USERS, twoFactor: "not_set_up" };
  const ids = { row50: await idAt(ALL_USERS, 49), row9900: await idAt(ALL_USERS, 9899), row9901: await idAt(ALL_USERS, 9900), none500: await idAt(none, 499), set5000: await idAt(set, 4999), invited950: await idAt({ ...ALL_USERS, status: "invited" }, 949) };
  const cases: [string, () => Promise<unknown>][] = [
    ["all users, page 1", () => findUsers(db, ALL_USERS, { page: 1 })],
    ["all users, Next page from row 50", () => findUsers(db, ALL_USERS, { after: ids.row50 })],
    ["all users, Next page deep (from row 9,900)", () => findUsers(db, ALL_USERS, { after: ids.row9900 })],
    ["all users, Previous page deep (before row 9,901)", () => findUsers(db, ALL_USERS, { before: ids.row9901 })],
    ["all users, ?page=200 (a typed page number: OFFSET)", () => findUsers(db, ALL_USERS, { page: Math.ceil(USERS / 50) })],
    ["role=admin", () => findUsers(db, { ...ALL_USERS, role: "admin" }, { page: 1 })],
    ["two_factor=not_set_up, Next page from row 500", () => findUsers(db, none, { after: ids.none500 })],
    ["client + active + set up, Next page from row 5,000", () => findUsers(db, set, { after: ids.set5000 })],
    ["pending invitations, page 1", () => findPendingInvitations(db, { page: 1 })],
    ["pending invitations, Next page from row 950", () => findPendingInvitations(db, { after: ids.invited950 })],
  ];
  console.log(`\n=== ${dialect}, ${USERS} users ===`);
  for (const [name, work] of cases) {
    const ms = await medianMs(work);
    queries.length = 0;
    await work();
    const ran = [...queries];
    console.log(`\n${name}: median ${ms.toFixed(2)} ms for the page's ${ran.length} queries`);
    for (const query of ran) console.log(`  ${query.sql.slice(0, 160)}\n${await explain(dialect, db, query)}`);
  }
  await db.destroy();
}

const dir = mkdtempSync(join(tmpdir(), "gatehouse-users-list-"));
try {
  const sqlite = openDatabase({ dialect: "sqlite", path: join(dir, "users.db") });
  await migrateToLatest(sqlite);
  await seed(sqlite);
  await sqlite.close();
  await measure("sqlite", join(dir, "users.db"));
  const url = process.env.BENCH_DATABASE_URL;
  if (url) {
    const schema = `gh_users_list_${process.pid}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    const postgres = openDatabase({ dialect: "postgres", url }, { searchPath: schema, poolSize: 2 });
    try {
      await migrateToLatest(postgres);
      await seed(postgres);
      await postgres.db.executeQuery(CompiledQuery.raw("analyze"));
      await measure("postgres", schema);
    } finally {
      await postgres.close();
      await admin.query(`drop schema ${schema} cascade`);
      await admin.end();
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
