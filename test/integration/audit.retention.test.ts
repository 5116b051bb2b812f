import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KyselyPlugin } from "kysely";
import { afterEach, describe, expect, test, vi } from "vitest";
import { DAY_MS, FIRST_PURGE_DELAY_MS, purgeExpiredAuditEvents, scheduleAuditRetention } from "../../src/auth/audit-retention.ts";
import { auditEventTimes, insertAuditEvents } from "../support/audit-events.ts";
import { CLI_SECRET_KEY, cliDatabaseUrl } from "../support/cli.ts";
import { createTestDatabase, TEST_DIALECTS } from "../support/databases.ts";
import { FakeClock } from "../support/fake-clock.ts";
import { useTestDatabase } from "../support/fixtures.ts";
import { startServeProcess } from "../support/serve-process.ts";

const RETENTION_DAYS = 400; // the default (PORTAL.md §7)

/** A plugin that counts the DELETE statements a query builder runs. */
function countDeletes(): KyselyPlugin & { count: number } {
  const counter = {
    count: 0,
    transformQuery: (args: Parameters<KyselyPlugin["transformQuery"]>[0]) => {
      if (args.node.kind === "DeleteQueryNode") counter.count += 1;
      return args.node;
    },
    transformResult: async (args: Parameters<KyselyPlugin["transformResult"]>[0]) => args.result,
  };
  return counter;
}

describe.each(TEST_DIALECTS)("audit log retention (%s)", (dialect) => {
  const testDb = useTestDatabase(dialect);
  const db = () => testDb.database.db;
  afterEach(() => {
    vi.useRealTimers();
  });

  test("events older than the retention are purged and younger ones kept: 401 days gone, 400 and 399 kept", async () => {
    const clock = new FakeClock();
    const now = clock.nowMs();
    await insertAuditEvents(db(), [{ at: now - 401 * DAY_MS }, { at: now - 400 * DAY_MS - 1 }, { at: now - 400 * DAY_MS }, { at: now - 399 * DAY_MS }, { at: now }]);
    expect(await purgeExpiredAuditEvents(db(), clock, RETENTION_DAYS)).toBe(2);
    expect(await auditEventTimes(db())).toEqual([now - 400 * DAY_MS, now - 399 * DAY_MS, now]);
    // The clock moves on a day: the 400- and 399-day-old events are now 401 and 400 days old.
    clock.advance(DAY_MS);
    expect(await purgeExpiredAuditEvents(db(), clock, RETENTION_DAYS)).toBe(1);
    expect(await auditEventTimes(db())).toEqual([now - 399 * DAY_MS, now]);
  });

  test("a backlog is deleted in batches of at most the batch size, every old row of it", async () => {
    const clock = new FakeClock();
    const old = clock.nowMs() - 500 * DAY_MS;
    await insertAuditEvents(db(), [...Array.from({ length: 250 }, (_, i) => ({ at: old + i })), { at: clock.nowMs() }]);
    const deletes = countDeletes();
    expect(await purgeExpiredAuditEvents(db().withPlugin(deletes), clock, RETENTION_DAYS, { batchSize: 100 })).toBe(250);
    expect(deletes.count).toBe(3); // 100, 100, 50
    expect(await auditEventTimes(db())).toEqual([clock.nowMs()]);
  });

  test("two instances purging at once delete each event once, and neither fails", async () => {
    const clock = new FakeClock();
    const old = clock.nowMs() - 450 * DAY_MS;
    await insertAuditEvents(db(), Array.from({ length: 1_000 }, (_, i) => ({ at: old + (i % 7) })));
    const counts = await Promise.all([purgeExpiredAuditEvents(db(), clock, RETENTION_DAYS, { batchSize: 100 }), purgeExpiredAuditEvents(db(), clock, RETENTION_DAYS, { batchSize: 100 })]);
    expect(counts[0] + counts[1]).toBe(1_000);
    expect(await auditEventTimes(db())).toEqual([]);
  });

  test("the schedule purges shortly after start, then once a day by the injected clock, and not after stop()", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval"] });
    const clock = new FakeClock();
    const now = clock.nowMs();
    await insertAuditEvents(db(), [{ at: now - 401 * DAY_MS }, { at: now - DAY_MS * 399.5 }, { at: now }]);
    const purges: number[] = [];
    let purged = () => {};
    const job = scheduleAuditRetention({ db: db(), clock, retentionDays: RETENTION_DAYS, onPurged: (n) => (purges.push(n), purged()), onError: (error) => expect.unreachable(String(error)) });
    const nextPurge = () => new Promise<void>((resolve) => (purged = resolve));

    let done = nextPurge();
    vi.advanceTimersByTime(FIRST_PURGE_DELAY_MS - 1);
    expect(purges).toEqual([]);
    vi.advanceTimersByTime(1);
    await done;
    expect(purges).toEqual([1]);

    clock.advance(DAY_MS);
    done = nextPurge();
    vi.advanceTimersByTime(DAY_MS);
    await done;
    expect(purges).toEqual([1, 1]);
    expect(await auditEventTimes(db())).toEqual([now]);

    await job.stop();
    clock.advance(500 * DAY_MS);
    vi.advanceTimersByTime(3 * DAY_MS);
    expect(purges).toEqual([1, 1]);
    expect(await auditEventTimes(db())).toEqual([now]);
  });

  test("the running portal purges on start (AUDIT_RETENTION_DAYS, default 400) and stops cleanly on SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gatehouse-retention-"));
    const shared = await createTestDatabase(dialect, { sqlitePath: join(dir, "portal.db") });
    try {
      const now = Date.now(); // the served process runs on the real clock
      await insertAuditEvents(shared.database.db, [{ at: now - 401 * DAY_MS }, { at: now - 402 * DAY_MS }, { at: now - 10 * DAY_MS }]);
      const server = await startServeProcess({ DATABASE_URL: cliDatabaseUrl(shared), SECRET_KEY: CLI_SECRET_KEY });
      try {
        expect(await server.logRecord("audit events purged")).toMatchObject({ purged: 2, retentionDays: 400 });
        expect(await auditEventTimes(shared.database.db)).toEqual([now - 10 * DAY_MS]);
      } finally {
        server.child.kill("SIGTERM");
      }
      expect(await server.exited).toEqual({ code: 0, signal: null });
    } finally {
      await shared.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
