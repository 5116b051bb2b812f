import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKeyring } from "../../src/crypto/encryption.ts";
import { parseSecretKeys } from "../../src/config/config.ts";
import { type Database, openDatabase } from "../../src/db/database.ts";
import { migrations } from "../../src/db/migrations/index.ts";
import { TEST_PASSWORD, TEST_SECRET_KEY } from "../support/context.ts";
import { createEnrolledUser } from "../support/enroll-direct.ts";
import { csrfTokenOf, HttpClient } from "../support/http-client.ts";
import { type ServeProcess, startServeProcess } from "../support/serve-process.ts";
import { submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

const SESSION = "gatehouse_session";
const CSRF = "gatehouse_csrf";

/** The same browser, now talking to another instance (the load balancer sent it elsewhere). */
function movedTo(client: HttpClient, server: ServeProcess): HttpClient {
  const moved = new HttpClient(server.baseUrl);
  for (const name of [SESSION, CSRF]) {
    const value = client.cookie(name);
    if (value) moved.setCookie(name, value);
  }
  return moved;
}

/** The last code the console SMS sender of `server` printed for `phone` (codes never go to the log). */
function lastPrintedCode(server: ServeProcess, phone: string): string {
  const codes = [...server.output().matchAll(new RegExp(`\\[sms\\] to \\${phone}: .*?(\\d{6})`, "g"))].map((m) => m[1]!);
  if (!codes.length) throw new Error(`no SMS to ${phone} printed by ${server.baseUrl}`);
  return codes.at(-1)!;
}

// Two real `gatehouse serve` processes on one fresh PostgreSQL schema, as two instances behind a
// load balancer without sticky sessions. They run on the real clock, so codes come from Date.now().
describe.runIf(process.env.TEST_DATABASE_URL)("two instances on one PostgreSQL database", () => {
  const url = process.env.TEST_DATABASE_URL!;
  const schema = `gh_two_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  let a: ServeProcess;
  let b: ServeProcess;
  let database: Database;
  const keyring = createKeyring(parseSecretKeys(TEST_SECRET_KEY));
  const servers = () => [a, b];

  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(statement);
    await client.end();
  };

  beforeAll(async () => {
    await admin(`create schema ${schema}`);
    const env = { DATABASE_URL: `${url}${url.includes("?") ? "&" : "?"}options=${encodeURIComponent(`-c search_path=${schema}`)}`, SECRET_KEY: TEST_SECRET_KEY };
    // Both start at once on an empty schema: the advisory lock makes one of them migrate.
    [a, b] = await Promise.all([startServeProcess(env), startServeProcess(env)]);
    database = openDatabase({ dialect: "postgres", url }, { searchPath: schema, poolSize: 2 });
  }, 60_000);

  afterAll(async () => {
    for (const server of [a, b]) if (server && server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGKILL");
    await Promise.all([a?.exited, b?.exited]);
    await database?.close();
    await admin(`drop schema if exists ${schema} cascade`);
  });

  const signInWithPassword = async (server: ServeProcess, email: string) => {
    const client = new HttpClient(server.baseUrl);
    expect((await client.submit("/login", { email, password: TEST_PASSWORD })).location).toBe("/two-factor");
    return client;
  };

  const fullSessions = async (userId: string) =>
    (await database.db.selectFrom("sessions").select("id").where("user_id", "=", userId).where("stage", "=", "full").execute()).length;

  it("both answer /readyz, and the schema was migrated once", async () => {
    for (const server of servers()) expect((await new HttpClient(server.baseUrl).get("/readyz")).status).toBe(200);
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(database.db);
    expect(applied.rows.map((row) => row.name)).toEqual(Object.keys(migrations).sort());
  });

  it("a sign-in whose password step happens on one instance and code step on the other succeeds (app and SMS)", async () => {
    const app = await createEnrolledUser(database.db, keyring, { email: "ann@example.com", method: "totp" });
    const onA = await signInWithPassword(a, app.user.email);
    const onB = movedTo(onA, b);
    expect((await submitSignInCode(onB, totpCodeAt(app.secret!, Date.now()))).location).toBe("/");
    expect((await movedTo(onB, a).get("/")).body).toContain("<h1>Dashboard</h1>");

    const phone = "+447400123456";
    const sms = await createEnrolledUser(database.db, keyring, { email: "bob@example.com", method: "sms", phone });
    const smsOnB = movedTo(await signInWithPassword(a, sms.user.email), b);
    expect((await submitSignInCode(smsOnB, lastPrintedCode(a, phone))).location).toBe("/");
    expect(await fullSessions(sms.user.id)).toBe(1);
  });

  it("a code used on one instance is refused on the other", async () => {
    const { user, secret } = await createEnrolledUser(database.db, keyring, { email: "cat@example.com", method: "totp" });
    const [first, second] = [await signInWithPassword(a, user.email), await signInWithPassword(b, user.email)];
    const code = totpCodeAt(secret!, Date.now());
    expect((await submitSignInCode(first, code)).location).toBe("/");
    const replayed = await submitSignInCode(second, code);
    expect(replayed.status).toBe(400);
    expect(await fullSessions(user.id)).toBe(1);
  });

  it("twenty concurrent submissions of one code, spread over both instances, give exactly one full session", async () => {
    const { user, secret } = await createEnrolledUser(database.db, keyring, { email: "dan@example.com", method: "totp" });
    // The password steps in batches of five: more than ten at once would exceed the account's failure
    // slots, which each attempt holds until its check is done (lockout.ts), and be refused.
    const clients: HttpClient[] = [];
    for (let batch = 0; batch < 4; batch += 1) clients.push(...(await Promise.all(Array.from({ length: 5 }, (_, i) => signInWithPassword(servers()[i % 2]!, user.email)))));
    const tokens = await Promise.all(clients.map(async (client) => csrfTokenOf((await client.get("/two-factor/verify")).body)));
    const code = totpCodeAt(secret!, Date.now());
    const answers = await Promise.all(clients.map((client, i) => client.postForm("/two-factor/verify", { _csrf: tokens[i]!, code })));
    expect(answers.filter((answer) => answer.status === 303 && answer.location === "/")).toHaveLength(1);
    expect(answers.filter((answer) => answer.status >= 500)).toEqual([]);
    expect(await fullSessions(user.id)).toBe(1);
  });

  // Last: it leaves only instance B running.
  it("killing one instance with SIGKILL loses nothing: the other serves its sessions and finishes its sign-ins", async () => {
    const signedIn = await createEnrolledUser(database.db, keyring, { email: "eve@example.com", method: "totp" });
    const full = await signInWithPassword(a, signedIn.user.email);
    expect((await submitSignInCode(full, totpCodeAt(signedIn.secret!, Date.now()))).location).toBe("/");
    const halfway = await createEnrolledUser(database.db, keyring, { email: "fay@example.com", method: "totp" });
    const pending = await signInWithPassword(a, halfway.user.email);

    a.child.kill("SIGKILL");
    expect((await a.exited).signal).toBe("SIGKILL");

    const dashboard = await movedTo(full, b).get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain("<h1>Dashboard</h1>");
    expect((await submitSignInCode(movedTo(pending, b), totpCodeAt(halfway.secret!, Date.now()))).location).toBe("/");
    const fresh = await signInWithPassword(b, signedIn.user.email);
    expect(fresh.cookie(SESSION)).toBeDefined();
    expect((await new HttpClient(b.baseUrl).get("/readyz")).status).toBe(200);
  });
});
