import { describe, expect, test } from "vitest";
import { createConsoleMail } from "../../src/adapters/mail/console-mail.ts";
import { createOutbox } from "../../src/adapters/outbox.ts";
import { createConsoleSms } from "../../src/adapters/sms/console-sms.ts";

const clock = { nowMs: () => 1_700_000_000_000 };

describe("createConsoleSms()", () => {
  test("prints the message and keeps it in the outbox", async () => {
    const lines: string[] = [];
    const outbox = createOutbox();
    await createConsoleSms({ log: (line) => lines.push(line), outbox, clock }).send({ to: "+33612345678", body: "Code 123456" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("+33612345678");
    expect(lines[0]).toContain("Code 123456");
    expect(outbox.list()).toEqual([{ channel: "sms", to: "+33612345678", body: "Code 123456", sentAtMs: clock.nowMs() }]);
  });
});

describe("createConsoleMail()", () => {
  test("prints the mail and keeps it in the outbox", async () => {
    const lines: string[] = [];
    const outbox = createOutbox();
    const mailer = createConsoleMail({ log: (line) => lines.push(line), outbox, clock });
    await mailer.send({ to: "ana@example.com", subject: "Reset your password", text: "Open https://x.test/r/abc" });
    expect(lines.join("\n")).toContain("Reset your password");
    expect(outbox.latestTo("ana@example.com")).toEqual({
      channel: "mail",
      to: "ana@example.com",
      subject: "Reset your password",
      body: "Open https://x.test/r/abc",
      sentAtMs: clock.nowMs(),
    });
  });
});
