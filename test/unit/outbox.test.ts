import { describe, expect, test } from "vitest";
import { createOutbox, OUTBOX_MAX_ENTRIES } from "../../src/adapters/outbox.ts";

const sms = (to: string, body: string, sentAtMs = 0) => ({ channel: "sms" as const, to, body, sentAtMs });

describe("createOutbox()", () => {
  test("lists entries newest first", () => {
    const outbox = createOutbox();
    outbox.push(sms("+33612345678", "first"));
    outbox.push(sms("+33612345678", "second"));
    expect(outbox.list().map((entry) => entry.body)).toEqual(["second", "first"]);
  });

  test(`keeps at most ${OUTBOX_MAX_ENTRIES} entries, dropping the oldest`, () => {
    const outbox = createOutbox();
    for (let i = 0; i < OUTBOX_MAX_ENTRIES + 5; i++) outbox.push(sms("+33612345678", `m${i}`));
    const bodies = outbox.list().map((entry) => entry.body);
    expect(bodies).toHaveLength(OUTBOX_MAX_ENTRIES);
    expect(bodies[0]).toBe(`m${OUTBOX_MAX_ENTRIES + 4}`);
    expect(bodies).not.toContain("m4");
    expect(bodies).toContain("m5");
  });

  test("latestTo() finds the newest entry for an address, across channels", () => {
    const outbox = createOutbox();
    outbox.push(sms("+33612345678", "old code"));
    outbox.push({ channel: "mail", to: "ana@example.com", subject: "Hi", body: "mail", sentAtMs: 1 });
    outbox.push(sms("+33612345678", "new code"));
    outbox.push(sms("+12133734253", "someone else"));
    expect(outbox.latestTo("+33612345678")?.body).toBe("new code");
    expect(outbox.latestTo("ana@example.com")?.subject).toBe("Hi");
    expect(outbox.latestTo("+447911123456")).toBeUndefined();
  });

  test("list() is a copy: changing it does not change the outbox", () => {
    const outbox = createOutbox();
    outbox.push(sms("+33612345678", "code"));
    (outbox.list() as unknown[]).length = 0;
    expect(outbox.list()).toHaveLength(1);
  });

  test("throws TypeError for a non-positive size", () => {
    expect(() => createOutbox(0)).toThrow(TypeError);
  });
});
