import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EXPORT_PAGE_SIZE } from "../../src/auth/audit-export.ts";
import { createUser } from "../../src/auth/user.ts";
import { systemClock } from "../../src/clock.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { AuditEvent } from "../../src/db/schema.ts";
import { insertAuditEvents } from "../support/audit-events.ts";
import { cliDatabaseUrl, expectOneLineFailure, runCli } from "../support/cli.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";

const T0 = Date.UTC(2026, 0, 1);
const HOSTILE_AGENT = '=HYPERLINK("http://evil.example"), "quoted"\nsecond line';

// `gatehouse audit export` (PORTAL.md §7) on a database the test seeds directly.
describe.each(TEST_DIALECTS)("gatehouse audit export (%s)", { timeout: 120_000 }, (dialect) => {
  let dir: string;
  let testDb: TestDatabase;
  let env: Record<string, string>;
  let seeded: AuditEvent[];
  let agentId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-audit-export-"));
    testDb = await createTestDatabase(dialect, { sqlitePath: join(dir, "cli.db") });
    env = { DATABASE_URL: cliDatabaseUrl(testDb) };
    const deps = { clock: systemClock, random: cryptoRandom };
    const agent = await createUser(testDb.database.db, deps, { email: "agent@example.com", displayName: "Agent", role: "support", password: null });
    const client = await createUser(testDb.database.db, deps, { email: "client@example.com", displayName: "Client", role: "client", password: null });
    if (!agent.ok || !client.ok) throw new Error("seeding users failed");
    agentId = agent.user.id;
    // More than two pages, in an order the table does not keep, with many events sharing a millisecond.
    const many = Array.from({ length: 2 * EXPORT_PAGE_SIZE + 345 }, (_, i) => ({ at: T0 + Math.floor(((i * 7919) % 2345) / 3), subject_user_id: client.user.id }));
    seeded = await insertAuditEvents(testDb.database.db, [
      ...many,
      { at: T0 - 1, type: "two_factor.support_reset", actor_user_id: agent.user.id, subject_user_id: client.user.id, ip: "203.0.113.9", user_agent: HOSTILE_AGENT, detail: JSON.stringify({ via: "console", reason: "lost, phone" }) },
      { at: T0 - 2, type: "user.created", subject_user_id: "0123456789abcdef0123456789abcdef", detail: JSON.stringify({ role: "client", via: "cli" }) },
    ]);
  });
  afterAll(async () => {
    await testDb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("writes every event once, oldest first, as JSON lines by default, across pages", async () => {
    const result = await runCli(["audit", "export"], env);
    expect(result.code, result.stderr).toBe(0);
    const lines = result.stdout.trimEnd().split("\n").map((line) => JSON.parse(line) as Record<string, unknown>);
    const expected = [...seeded].sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
    expect(lines).toHaveLength(expected.length);
    expect(lines.map((line) => line.time)).toEqual(expected.map((e) => new Date(e.at).toISOString()));
    expect(lines[0]).toEqual({ time: new Date(T0 - 2).toISOString(), type: "user.created", actor: null, subject: "0123456789abcdef0123456789abcdef", ip: null, user_agent: null, detail: { role: "client", via: "cli" } });
    expect(lines[1]).toEqual({ time: new Date(T0 - 1).toISOString(), type: "two_factor.support_reset", actor: "agent@example.com", subject: "client@example.com", ip: "203.0.113.9", user_agent: HOSTILE_AGENT, detail: { via: "console", reason: "lost, phone" } });
  });

  test("--since keeps the events at or after it; CSV has a header, quotes what needs it and defuses formulas", async () => {
    const result = await runCli(["audit", "export", "--format", "csv", "--since", new Date(T0 - 1).toISOString()], env);
    expect(result.code, result.stderr).toBe(0);
    const [header, first, ...rest] = parse(result.stdout) as string[][];
    expect(header).toEqual(["time", "type", "actor", "subject", "ip", "user_agent", "detail"]);
    expect(first).toEqual([new Date(T0 - 1).toISOString(), "two_factor.support_reset", "agent@example.com", "client@example.com", "203.0.113.9", `'${HOSTILE_AGENT}`, '{"via":"console","reason":"lost, phone"}']);
    expect(rest).toHaveLength(seeded.length - 2);
    const sinceDate = await runCli(["audit", "export", "--since", "2026-01-01"], env);
    expect(sinceDate.stdout.trimEnd().split("\n")).toHaveLength(seeded.length - 2);
    expect(sinceDate.stdout).not.toContain(agentId);
  });

  test("a bad --since or --format exits 2 with one line and writes nothing", async () => {
    const [since, format] = await Promise.all([runCli(["audit", "export", "--since", "last tuesday"], env), runCli(["audit", "export", "--format", "xlsx"], env)]);
    for (const result of [since, format]) {
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
    }
    expect(expectOneLineFailure(since)).toBe('gatehouse: --since must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T09:30:00Z (got "last tuesday")');
    expect(expectOneLineFailure(format)).toBe("gatehouse: --format must be jsonl or csv");
  });
});
