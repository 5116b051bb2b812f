import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createMailQueue, MAX_MAIL_ATTEMPTS } from "../../src/adapters/mail/mail-queue.ts";
import { createMetrics } from "../../src/http/metrics.ts";
import { createTestDatabase, TEST_DIALECTS, type TestDatabase } from "../support/databases.ts";
import { FakeClock, MINUTE_MS } from "../support/fake-clock.ts";
import { captureLogs } from "../support/log-capture.ts";
import { metricValue, parseMetrics } from "../support/metrics-text.ts";

describe.each(TEST_DIALECTS)("mail that cannot be delivered (%s)", (dialect) => {
  let testDb: TestDatabase;
  beforeEach(async () => {
    testDb = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await testDb.drop();
  });

  it("a failed delivery is logged, counted and retried; at its last attempt it is abandoned, counted, and its link is erased", async () => {
    const db = testDb.database.db;
    const clock = new FakeClock(1_000);
    const logs = captureLogs("warn");
    const metrics = createMetrics();
    // A real pino logger: its methods need their `this`.
    const queue = createMailQueue({
      db,
      clock,
      mailer: { send: async () => { throw new Error("connect ECONNREFUSED 127.0.0.1:9"); } },
      composeNotice: () => ({ subject: "", text: "" }),
      log: pino({ level: "warn" }, logs.logger.stream),
      onDelivery: metrics.recordMail,
      kickDelayMs: 0,
    });
    const link = "https://portal.example/reset-password/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
    await db.insertInto("outgoing_mail").values({ id: "m1", user_id: null, audit_event_id: null, to_address: "ann@example.com", subject: "Reset", body: `Open ${link}`, created_at: 0, attempts: 0, next_attempt_at: 0, sent_at: null, last_error: null }).execute();

    await queue.deliverDue();
    let row = await db.selectFrom("outgoing_mail").selectAll().where("id", "=", "m1").executeTakeFirstOrThrow();
    expect(row.last_error).toContain("ECONNREFUSED");
    expect(row.attempts).toBe(1);
    expect(row.next_attempt_at).toBeGreaterThan(clock.nowMs());

    for (let attempt = 2; attempt <= MAX_MAIL_ATTEMPTS; attempt += 1) {
      clock.advance(61 * MINUTE_MS);
      await queue.deliverDue();
    }
    row = await db.selectFrom("outgoing_mail").selectAll().where("id", "=", "m1").executeTakeFirstOrThrow();
    expect(row.attempts).toBe(MAX_MAIL_ATTEMPTS);
    expect(row.body).toBeNull();
    expect(row.sent_at).toBeNull();

    // Never tried again.
    clock.advance(24 * 60 * MINUTE_MS);
    await queue.deliverDue();
    row = await db.selectFrom("outgoing_mail").selectAll().where("id", "=", "m1").executeTakeFirstOrThrow();
    expect(row.attempts).toBe(MAX_MAIL_ATTEMPTS);

    const samples = parseMetrics(await metrics.registry.metrics());
    expect(metricValue(samples, "gatehouse_emails_total", { outcome: "failed" })).toBe(MAX_MAIL_ATTEMPTS - 1);
    expect(metricValue(samples, "gatehouse_emails_total", { outcome: "abandoned" })).toBe(1);
    const messages = logs.records().map((record) => record.msg);
    expect(messages.filter((msg) => msg === "mail delivery failed; will retry")).toHaveLength(MAX_MAIL_ATTEMPTS - 1);
    expect(messages).toContain("mail delivery abandoned");
    expect(logs.lines().join("\n")).not.toContain(link);
    await queue.stop();
  });
});
