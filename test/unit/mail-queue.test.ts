import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect } from "kysely";
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import { createMailQueue, KICK_DELAY_MS } from "../../src/adapters/mail/mail-queue.ts";
import type { Database } from "../../src/db/database.ts";
import { migrateToLatest } from "../../src/db/migrator.ts";
import type { DB } from "../../src/db/schema.ts";
import { FakeClock } from "../support/fake-clock.ts";

describe("createMailQueue().kick()", () => {
  let db: Kysely<DB>;
  let queueLooks = 0;
  const sent: string[] = [];
  const quiet = { warn() {}, error() {} };

  beforeEach(async () => {
    queueLooks = 0;
    sent.length = 0;
    db = new Kysely<DB>({
      dialect: new SqliteDialect({ database: new SqliteDatabase(":memory:") }),
      log: (event) => {
        if (event.level === "query" && /from "outgoing_mail" where "sent_at" is null/.test(event.query.sql)) queueLooks += 1;
      },
    });
    const database: Database = { db, dialect: "sqlite", ping: async () => true, close: () => db.destroy() };
    await migrateToLatest(database);
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await db.destroy();
  });

  const queueOne = (subject: string) =>
    db.insertInto("outgoing_mail").values({ id: subject, user_id: null, audit_event_id: null, to_address: "ann@example.com", subject, body: "text", created_at: 0, attempts: 0, next_attempt_at: 0, sent_at: null, last_error: null }).execute();

  test("the form posts of one moment share one look at the queue, which sends what they queued", async () => {
    const queue = createMailQueue({ db, mailer: { send: async (mail) => void sent.push(mail.subject) }, clock: new FakeClock(1_000), composeNotice: (facts) => ({ subject: `P: ${facts.type}`, text: "" }), log: quiet });
    await queueOne("first");
    for (let i = 0; i < 20; i += 1) queue.kick();
    expect(queueLooks).toBe(0);
    await vi.advanceTimersByTimeAsync(KICK_DELAY_MS);
    await queue.idle();
    expect(queueLooks).toBe(1);
    expect(sent).toEqual(["first"]);

    await queueOne("second");
    queue.kick();
    await vi.advanceTimersByTimeAsync(KICK_DELAY_MS);
    await queue.idle();
    expect(queueLooks).toBe(2);
    expect(sent).toEqual(["first", "second"]);
    await queue.stop();
  });

  test("stop() cancels a pending look: nothing runs after shutdown", async () => {
    const queue = createMailQueue({ db, mailer: { send: async (mail) => void sent.push(mail.subject) }, clock: new FakeClock(1_000), composeNotice: (facts) => ({ subject: `P: ${facts.type}`, text: "" }), log: quiet });
    await queueOne("late");
    queue.kick();
    await queue.stop();
    await vi.advanceTimersByTimeAsync(KICK_DELAY_MS * 2);
    expect(queueLooks).toBe(0);
    expect(sent).toEqual([]);
  });
});
