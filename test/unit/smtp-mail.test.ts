import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { MailDeliveryError } from "../../src/auth/mailer.port.ts";
import { createSmtpMail } from "../../src/adapters/mail/smtp-mail.ts";
import { startFakeSmtp, type FakeSmtp } from "../support/fake-smtp.ts";
import { contentTypeOf, mimeParts } from "../support/mime.ts";

describe("createSmtpMail()", () => {
  let smtp: FakeSmtp;
  beforeEach(async () => {
    smtp = await startFakeSmtp();
  });
  afterEach(async () => {
    await smtp.close();
  });

  test("delivers the message to the SMTP server with recipient, sender, subject and text", async () => {
    const mailer = createSmtpMail({ smtpUrl: smtp.url, from: '"Gatehouse" <no-reply@gatehouse.test>' });
    await mailer.send({ to: "ana@example.com", subject: "Your two-factor was reset", text: "Hello Ana,\n.\nBye" });

    expect(smtp.messages).toHaveLength(1);
    const [received] = smtp.messages;
    expect(received?.from).toBe("no-reply@gatehouse.test");
    expect(received?.to).toEqual(["ana@example.com"]);
    expect(received?.subject).toBe("Your two-factor was reset");
    expect(received?.data).toContain("Hello Ana,");
  });

  test("without HTML the message is plain text alone; with HTML it is multipart/alternative, the text first", async () => {
    const mailer = createSmtpMail({ smtpUrl: smtp.url, from: "no-reply@gatehouse.test" });
    await mailer.send({ to: "ana@example.com", subject: "Plain", text: "Hello Ana" });
    await mailer.send({ to: "ana@example.com", subject: "Both", text: "Hello Ana", html: "<p>Hello <b>Ana</b></p>" });

    const [plain, both] = smtp.messages;
    expect(contentTypeOf(plain!)).toBe("text/plain");
    expect(mimeParts(plain!.data)).toEqual([{ contentType: "text/plain", text: "Hello Ana" }]);
    expect(contentTypeOf(both!)).toBe("multipart/alternative");
    expect(mimeParts(both!.data)).toEqual([
      { contentType: "text/plain", text: "Hello Ana" },
      { contentType: "text/html", text: "<p>Hello <b>Ana</b></p>" },
    ]);
  });

  test("an unreachable server becomes a MailDeliveryError that does not quote the text", async () => {
    const mailer = createSmtpMail({ smtpUrl: "smtp://127.0.0.1:1", from: "no-reply@gatehouse.test", timeoutMs: 1000 });
    const sending = mailer.send({ to: "ana@example.com", subject: "Reset", text: "https://x.test/r/secret-token" });
    await expect(sending).rejects.toBeInstanceOf(MailDeliveryError);
    await expect(sending).rejects.not.toThrow(/secret-token/);
  });
});
