import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { auditEventTimes, insertAuditEvents } from "../support/audit-events.ts";
import { expectOneLineFailure, runCli } from "../support/cli.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";

const SEEDED_EVENTS = 20_000;

/** What `PRAGMA integrity_check` says of a database file, and the file opened read-only for more questions. */
function openCopy(path: string): { integrity: unknown; copy: SqliteDatabase.Database } {
  const copy = new SqliteDatabase(path, { readonly: true, fileMustExist: true });
  return { integrity: copy.pragma("integrity_check", { simple: true }), copy };
}

/**
 * Another connection (as the running portal is) committing one numbered row after another, each in its
 * own transaction, yielding between them, until stopped: a consistent copy holds rows 1..k, no gap.
 */
function startWriter(path: string): { stop(): number } {
  const writer = new SqliteDatabase(path);
  writer.pragma("busy_timeout = 5000");
  writer.exec("create table backup_probe (seq integer primary key)");
  const insert = writer.prepare("insert into backup_probe (seq) values (?)");
  let seq = 0;
  let running = true;
  const tick = () => {
    if (!running) return;
    insert.run(++seq);
    setImmediate(tick);
  };
  tick();
  return {
    stop() {
      running = false;
      writer.close();
      return seq;
    },
  };
}

// `gatehouse backup --to FILE` (PORTAL.md §7) on the embedded database, while it is in use.
describe("gatehouse backup (sqlite)", { timeout: 120_000 }, () => {
  let dir: string;
  let testDb: TestDatabase;
  let env: Record<string, string>;
  let livePath: string;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-backup-"));
    livePath = join(dir, "portal.db");
    testDb = await createTestDatabase("sqlite", { sqlitePath: livePath });
    env = { DATABASE_URL: `sqlite:${livePath}` };
  });
  afterEach(async () => {
    await testDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("copies the database while another connection writes all the time: the copy is sound, mode 0600, and holds every row up to one moment", async () => {
    const seeded = await insertAuditEvents(testDb.database.db, Array.from({ length: SEEDED_EVENTS }, (_, i) => ({ at: 1_700_000_000_000 + i, user_agent: `agent ${i} `.repeat(8) })));
    const writer = startWriter(livePath);
    const destination = join(dir, "copies", "gatehouse.db");
    mkdirSync(join(dir, "copies"));
    const result = await runCli(["backup", "--to", destination], env);
    const written = writer.stop();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Backed up sqlite:${livePath.replaceAll(".", "\\.")} to ${destination.replaceAll(".", "\\.")} \\(\\d+\\.\\d MiB\\)\\.\\nKeep SECRET_KEY`));

    const { integrity, copy } = openCopy(destination);
    try {
      expect(integrity).toBe("ok");
      expect(copy.prepare("select count(*) as n from audit_events").get()).toEqual({ n: SEEDED_EVENTS });
      expect(copy.prepare("select id from audit_events order by at desc limit 1").get()).toEqual({ id: seeded.at(-1)!.id });
      const probe = copy.prepare("select count(*) as n, coalesce(max(seq), 0) as top from backup_probe").get() as { n: number; top: number };
      expect(probe.n).toBe(probe.top); // rows 1..k with no gap: one moment of the database
      expect(probe.n).toBeGreaterThan(0); // the writer was writing before the copy was taken…
      expect(written).toBeGreaterThan(probe.n); // …and went on while and after it was
      expect(copy.pragma("journal_mode", { simple: true })).toBe("delete");
    } finally {
      copy.close();
    }
    expect(statSync(destination).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, "copies"))).toEqual(["gatehouse.db"]); // no temporary file, no -wal beside it
    expect(await auditEventTimes(testDb.database.db)).toHaveLength(SEEDED_EVENTS); // the live database is as it was
  });

  test("never replaces an existing file without --force, nor the live database; a missing directory is named", async () => {
    const existing = join(dir, "existing.db");
    writeFileSync(existing, "an older backup");
    const refused = await runCli(["backup", "--to", existing], env);
    expect(expectOneLineFailure(refused)).toBe("gatehouse: backup: the file already exists; choose another name, or add --force to replace it");
    expect(readFileSync(existing, "utf8")).toBe("an older backup");

    const [forced, live, nowhere] = await Promise.all([
      runCli(["backup", "--to", existing, "--force"], env),
      runCli(["backup", "--to", livePath, "--force"], env),
      runCli(["backup", "--to", join(dir, "no-such-dir", "copy.db")], env),
    ]);
    expect(forced.code, forced.stderr).toBe(0);
    const { integrity, copy } = openCopy(existing);
    copy.close();
    expect(integrity).toBe("ok");
    expect(statSync(existing).mode & 0o777).toBe(0o600);
    expect(expectOneLineFailure(live)).toBe("gatehouse: backup: --to names the live database itself; choose another file");
    expect(expectOneLineFailure(nowhere)).toBe("gatehouse: backup: the directory of --to does not exist");
    expect(existsSync(join(dir, "no-such-dir"))).toBe(false);
    expect(openCopy(livePath).integrity).toBe("ok");
  });
});

describe("gatehouse backup (postgres)", { timeout: 60_000 }, () => {
  test("exits 2 with one line pointing at pg_dump in the deploy guide, without connecting or printing the password", async () => {
    const result = await runCli(["backup", "--to", join(tmpdir(), "never-written.db")], { DATABASE_URL: "postgres://gatehouse:pg-s3cret@127.0.0.1:1/gatehouse" });
    expect(result.code).toBe(2);
    expect(expectOneLineFailure(result)).toBe('gatehouse: the database is PostgreSQL: back it up with pg_dump --format=custom --file=FILE "$DATABASE_URL" (docs/deploy.md, "Backup and restore"), and keep SECRET_KEY apart from it');
    expect(result.stderr).not.toContain("pg-s3cret");
    expect(existsSync(join(tmpdir(), "never-written.db"))).toBe(false);
  });
});
