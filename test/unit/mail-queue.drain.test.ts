import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createMailQueue, type MailQueue } from "../../src/adapters/mail/mail-queue.ts";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { FakeClock } from "../support/fake-clock.ts";

describe("createMailQueue().deliverDue()", () => {
  let testDb: TestDatabase;
  const sent: string[] = [];
  beforeEach(async () => {
    sent.length = 0;
    testDb = await createTestDatabase("sqlite");
  });
  afterEach(() => testDb.drop());

  const queueMany = (count: number) =>
    testDb.database.db
      .insertInto("outgoing_mail")
      .values(Array.from({ length: count }, (_, i) => ({ id: `m${i}`, user_id: null, audit_event_id: null, to_address: `u${i}@example.com`, subject: `invitation ${i}`, body: "text", created_at: i, attempts: 0, next_attempt_at: 0, sent_at: null, last_error: null })))
      .execute();
  const unsent = async () => (await testDb.database.db.selectFrom("outgoing_mail").select("id").where("sent_at", "is", null).execute()).length;
  const queueWith = (onSend: () => void = () => {}): MailQueue =>
    createMailQueue({
      db: testDb.database.db,
      mailer: { send: async (mail) => void (sent.push(mail.subject), onSend()) },
      clock: new FakeClock(1_000),
      composeNotice: () => ({ subject: "", text: "" }),
      log: { warn() {}, error() {} },
    });

  test("a queue of many messages (an import's invitations) goes out in one run, 50 read at a time, each once", async () => {
    await queueMany(120);
    const queue = queueWith();
    expect(await queue.deliverDue()).toBe(120);
    expect(new Set(sent).size).toBe(120);
    expect(await unsent()).toBe(0);
    await queue.stop();
  });

  test("stop() during a long run lets the current batch finish and leaves the rest for the next start", async () => {
    await queueMany(120);
    let stopped: Promise<void> | null = null;
    const queue = queueWith(() => {
      if (sent.length === 10) stopped = queue.stop();
    });
    expect(await queue.deliverDue()).toBe(50);
    await stopped;
    expect(await unsent()).toBe(70);
  });
});
