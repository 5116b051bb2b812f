import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { expectOneLineFailure, runCli } from "../support/cli.ts";
import { TEST_DIALECTS, type TestDialect } from "../support/databases.ts";

const PASSWORD = "correct horse battery 8";
const SHORT_PASSWORD = "Sev3n!x";

/** `users list` rows as { email, name, role, status }; columns are separated by two or more spaces. */
function parseUserTable(stdout: string): { email: string; name: string; role: string; status: string }[] {
  const [header, ...rows] = stdout.trimEnd().split("\n");
  expect(header?.split(/\s{2,}/)).toEqual(["EMAIL", "NAME", "ROLE", "STATUS", "CREATED"]);
  return rows.map((row) => {
    const [email = "", name = "", role = "", status = ""] = row.split(/\s{2,}/);
    return { email, name, role, status };
  });
}

interface CliDatabase {
  env: Record<string, string>;
  /** For PostgreSQL, the tables found in the test's own schema (proves the search_path was honoured). */
  tables(): Promise<string[] | null>;
  drop(): Promise<void>;
}

async function createCliDatabase(dialect: TestDialect): Promise<CliDatabase> {
  if (dialect === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-cli-"));
    return {
      env: { DATABASE_URL: `sqlite:${join(dir, "cli.db")}` },
      tables: async () => null,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("TEST_DATABASE_URL is not set");
  const schema = `gh_cli_${process.pid}_${randomBytes(4).toString("hex")}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create schema ${schema}`);
  // node-postgres passes `options` from the connection string to the server as startup options.
  const separator = url.includes("?") ? "&" : "?";
  return {
    env: { DATABASE_URL: `${url}${separator}options=${encodeURIComponent(`-c search_path=${schema}`)}` },
    tables: async () => {
      const { rows } = await admin.query<{ table_name: string }>("select table_name from information_schema.tables where table_schema = $1", [schema]);
      return rows.map((r) => r.table_name);
    },
    drop: async () => {
      await admin.query(`drop schema if exists ${schema} cascade`);
      await admin.end();
    },
  };
}

// The cases share one database per dialect and run in order: migrate, then users.
describe.each(TEST_DIALECTS)("gatehouse CLI on %s", (dialect) => {
  let database: CliDatabase;

  beforeAll(async () => {
    database = await createCliDatabase(dialect);
  });

  afterAll(async () => {
    await database?.drop();
  });

  test("migrate applies the migrations, and a second run says the database is up to date", async () => {
    const first = await runCli(["migrate"], database.env);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Applied \S+/);
    expect(first.stderr).toBe("");
    const tables = await database.tables();
    if (tables !== null) expect(tables).toContain("users");

    const second = await runCli(["migrate"], database.env);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/is up to date\.\n$/);
    expect(second.stdout).not.toMatch(/Applied/);
  });

  test("users create --password-stdin makes an active client; the same email in another case is refused", async () => {
    const created = await runCli(["users", "create", "--email", "a@example.com", "--name", "Ann Example", "--password-stdin"], database.env, `${PASSWORD}\n`);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("a@example.com");
    expect(created.stdout).not.toMatch(/invite/i);

    const duplicate = await runCli(["users", "create", "--email", "  A@Example.COM ", "--name", "Another Ann", "--password-stdin"], database.env, `${PASSWORD}\n`);
    expect(expectOneLineFailure(duplicate)).toMatch(/already exists/);

    const listed = await runCli(["users", "list"], database.env);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = parseUserTable(listed.stdout).filter((row) => row.email.toLowerCase() === "a@example.com");
    expect(rows).toEqual([{ email: "a@example.com", name: "Ann Example", role: "client", status: "active" }]);
  });

  test("users create refuses a bad email, a 7-character password and an unknown role, one line each", async () => {
    const [badEmail, shortPassword, badRole] = await Promise.all([
      runCli(["users", "create", "--email", "not-an-email", "--name", "Nobody", "--password-stdin"], database.env, `${PASSWORD}\n`),
      runCli(["users", "create", "--email", "short@example.com", "--name", "Shorty", "--password-stdin"], database.env, `${SHORT_PASSWORD}\n`),
      runCli(["users", "create", "--email", "boss@example.com", "--name", "The Boss", "--role", "boss"], database.env),
    ]);
    expect(expectOneLineFailure(badEmail)).toMatch(/email/);
    expect(expectOneLineFailure(shortPassword)).toMatch(/at least 8 characters/);
    expect(expectOneLineFailure(badRole)).toMatch(/role/);
  });

  test("users create without --password-stdin prints a one-time invitation link, and the user is listed as invited", async () => {
    const invited = await runCli(["users", "create", "--email", "b@example.com", "--name", "Bo Invited"], database.env);
    expect(invited.code, invited.stderr).toBe(0);
    expect(invited.stdout).toMatch(/^Invitation link .*: http:\/\/localhost:3000\/invite\/[A-Za-z0-9_-]{43}$/m);

    const listed = await runCli(["users", "list"], database.env);
    expect(listed.code, listed.stderr).toBe(0);
    const rows = parseUserTable(listed.stdout);
    expect(rows.find((row) => row.email === "b@example.com")).toEqual({ email: "b@example.com", name: "Bo Invited", role: "client", status: "invited" });
    // The refused commands left nothing behind.
    const emails = rows.map((row) => row.email);
    for (const refused of ["not-an-email", "short@example.com", "boss@example.com"]) expect(emails).not.toContain(refused);
  });
});

describe("gatehouse CLI failing before any work", () => {
  test("an unreachable database fails within seconds with one line naming the database", async () => {
    const result = await runCli(["users", "list"], { DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" });
    expect(expectOneLineFailure(result)).toContain("127.0.0.1:1/none");
    // It must fail rather than hang: well under pg's 5 s connection timeout plus the CLI's start-up,
    // with headroom for a loaded CI machine (this is a bound on hanging, not a speed measurement).
    expect(result.elapsedMs).toBeLessThan(20_000);
  });

  test("a malformed PORT fails with one line naming PORT", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-cli-"));
    try {
      const result = await runCli(["migrate"], { DATABASE_URL: `sqlite:${join(dir, "cli.db")}`, PORT: "abc" });
      expect(expectOneLineFailure(result)).toMatch(/\bPORT: /);
      expect(existsSync(join(dir, "cli.db")), "nothing is opened on a bad configuration").toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
