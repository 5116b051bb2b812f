import { createServer, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { MAX_MAIL_ATTEMPTS, retryDelayMs } from "../../src/adapters/mail/mail-queue.ts";
import { resetTwoFactor } from "../../src/auth/two-factor-reset.ts";
import { changeUserRole, inviteUser, setUserDisabled } from "../../src/features/support-console/user-admin.service.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { type FakeSmtp, type FakeSmtpMessage, startFakeSmtp } from "../support/fake-smtp.ts";
import { mailPart } from "../support/mime.ts";
import { runSecurityStory, STORY_PHONES } from "../support/security-story.ts";
import { enrollApp, lastSmsCode, startAppSetup, totpCodeAt } from "../support/two-factor.ts";

const UA = "NotifyTest/1.0 (integration)";
const SUPPORT = "help@example.com";
const fmt = (ms: number) => `${new Date(ms).toISOString().slice(0, 16).replace("T", " ")} UTC`;

/** What each e-mail must say changed (the notified events of the story, in order). */
const STORY_MAILS: [string, RegExp][] = [
  ["two_factor.setup", /two-factor sign-in was set up/i],
  ["fallback.added", /fallback phone was added/i],
  ["fallback.changed", /fallback phone on your account was changed/i],
  ["two_factor.key_replaced", /authenticator app was given a new key/i],
  ["two_factor.switched", /sign-in method was switched/i],
  ["two_factor.phone_changed", /phone number that receives your sign-in codes was changed/i],
  ["two_factor.reset", /reset with a code sent to your fallback phone/i],
  ["two_factor.setup", /two-factor sign-in was set up/i],
  ["fallback.removed", /fallback phone was removed/i],
];

/** The plain-text part as a mail client shows it (quoted-printable or base64 decoded); the HTML part is its alternative. */
const bodyOf = (message: FakeSmtpMessage): string => mailPart(message, "text/plain");

const toHeader = (message: FakeSmtpMessage) => /^to:\s*(.+)$/im.exec(message.data.split("\r\n\r\n")[0]!)?.[1]?.trim();

/** Every way a full phone number could be written: E.164, without "+", national with and without the 0. */
function phoneForms(e164: string): string[] {
  const national = e164.slice(3);
  return [e164, e164.slice(1), national, `0${national}`, `${national.slice(0, 4)} ${national.slice(4)}`];
}

/** Every code an authenticator key gave between two times (a step either side). */
function totpCodesBetween(secret: Buffer, fromMs: number, toMs: number): string[] {
  const codes: string[] = [];
  for (let t = fromMs - 30_000; t <= toMs + 30_000; t += 30_000) codes.push(totpCodeAt(secret, t));
  return codes;
}

describe.each(TEST_DIALECTS)("security e-mail over SMTP and the audit log (%s)", (dialect) => {
  let ctx: TestContext | null = null;
  let smtp: FakeSmtp | null = null;
  afterEach(async () => {
    await ctx?.close();
    await smtp?.close();
    ctx = null;
    smtp = null;
  });

  async function start(url?: string): Promise<TestContext> {
    if (!url) smtp = await startFakeSmtp();
    ctx = await createTestContext(dialect, { env: { SMTP_URL: url ?? smtp!.url, SUPPORT_CONTACT: SUPPORT }, mail: "smtp" });
    return ctx;
  }

  it("each change to how the user signs in is e-mailed to them: what, when, from where, what to do; never a code or a number", async () => {
    const c = await start();
    const story = await runSecurityStory(c, UA);
    await c.flushMail();
    const events = await c.testDb.database.db.selectFrom("audit_events").selectAll().where("subject_user_id", "=", story.user.id).orderBy("at").execute();
    const notified = events.filter((event) => STORY_MAILS.some(([type]) => type === event.type));
    expect(notified.map((event) => event.type)).toEqual(STORY_MAILS.map(([type]) => type));
    expect(smtp!.messages).toHaveLength(STORY_MAILS.length);

    const secrets = [
      TEST_PASSWORD,
      ...Object.values(STORY_PHONES).flatMap(phoneForms),
      ...c.outbox.list().flatMap((sms) => /\b\d{6}\b/.exec(sms.body) ?? []),
      ...story.tokens,
    ];
    smtp!.messages.forEach((message, index) => {
      const [type, what] = STORY_MAILS[index]!;
      const text = bodyOf(message);
      expect(message.to, type).toEqual([story.user.email]);
      expect(toHeader(message), type).toContain(story.user.email);
      expect(message.subject, type).toMatch(/change to how you sign in/);
      expect(text, type).toMatch(what);
      expect(text, type).toContain(`When: ${fmt(notified[index]!.at)}`);
      expect(text, type).toContain("From: IP address 127.0.0.1, Unknown browser"); // the device from a fixed list, never the header (issue 15 finding 6)
      expect(text, type).toContain(`If it was not you, contact ${SUPPORT}`);
      expect(text, type).not.toMatch(/\d{5}/); // no code, no phone number
      for (const secret of secrets) expect(`${message.subject}\n${text}\n${mailPart(message, "text/html")}`, type).not.toContain(secret);
    });
    const rows = await c.testDb.database.db.selectFrom("outgoing_mail").selectAll().where("user_id", "=", story.user.id).execute();
    expect(rows.every((row) => row.sent_at !== null && row.attempts === 1 && row.body === null)).toBe(true);
  }, 60_000);

  it("a mail server that is down does not block or fail the reset; the message is retried later and sent once", async () => {
    const down = await startFakeSmtp();
    const port = Number(new URL(down.url).port);
    await down.close();
    const c = await start(down.url);
    const user = await c.createUser({ email: "ann@example.com" });
    await enrollApp(c, user.email);
    await c.testDb.database.db.updateTable("users").set({ fallback_phone_e164: STORY_PHONES.fallback }).where("id", "=", user.id).execute();
    const client = await c.signInWithPassword(user.email);
    expect((await client.submit("/two-factor/reset", {}, "/two-factor/reset/send")).location).toBe("/two-factor/reset");
    const done = await client.submit("/two-factor/reset", { reset_code: lastSmsCode(c, STORY_PHONES.fallback) });
    expect(done.status).toBe(303);
    expect(done.location).toBe("/two-factor/setup");
    await c.flushMail();

    const mail = () => c.testDb.database.db.selectFrom("outgoing_mail").selectAll().where("user_id", "=", user.id).orderBy("created_at").execute();
    const failed = await mail();
    expect(failed).toHaveLength(2); // set-up, then reset
    for (const row of failed) {
      expect(row.sent_at).toBeNull();
      expect(row.attempts).toBeGreaterThanOrEqual(1);
      expect(row.last_error).toMatch(/did not accept/);
    }
    const attempts = Math.max(...failed.map((row) => row.attempts));
    expect(attempts).toBeLessThan(MAX_MAIL_ATTEMPTS);
    c.clock.advance(retryDelayMs(attempts) + 1000);
    smtp = await startFakeSmtp({ port });
    await c.flushMail();
    expect(smtp.messages.map((message) => bodyOf(message).includes("reset with a code sent to your fallback phone"))).toEqual([false, true]);
    expect((await mail()).every((row) => row.sent_at !== null)).toBe(true);

    c.clock.advance(2 * 60 * 60_000);
    await c.flushMail();
    expect(smtp.messages).toHaveLength(2);
  }, 60_000);

  it("a mail server that never answers does not hold up the response", async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket)); // accepts, never greets
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    if (!address || typeof address === "string") throw new Error("no port");
    try {
      const c = await start(`smtp://127.0.0.1:${address.port}`);
      const user = await c.createUser({ email: "ann@example.com" });
      const client = await c.signInWithPassword(user.email);
      const secret = await startAppSetup(client);
      const done = await client.submit("/two-factor/setup/app", { code: totpCodeAt(secret, c.clock.nowMs()) }, "/two-factor/setup/app/verify");
      expect(done.location).toBe("/");
      // Had the response waited for the mail, the row would now be sent or failed.
      const [row] = await c.testDb.database.db.selectFrom("outgoing_mail").selectAll().where("user_id", "=", user.id).execute();
      expect(row).toMatchObject({ sent_at: null, last_error: null });
      expect((await client.get("/")).status).toBe(200);
      await c.flushMail(); // the mailer's own timeout ends the attempt
      const [after] = await c.testDb.database.db.selectFrom("outgoing_mail").selectAll().where("user_id", "=", user.id).execute();
      expect(after).toMatchObject({ sent_at: null, last_error: expect.stringMatching(/did not accept/) });
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 30_000);

  it("the audit log has a row for every kind of security event: time, actor, subject, IP, user agent, and no secrets", async () => {
    const c = await start();
    const story = await runSecurityStory(c, UA);
    const db = c.testDb.database.db;
    const admin = await c.createUser({ email: "admin@example.com", role: "admin" });
    const meta = { ip: "127.0.0.1", userAgent: UA };
    const invited = await inviteUser(db, c.deps, { agentId: admin.id, email: "bob@example.com", displayName: "Bob", role: "client", meta });
    if (!invited.ok) throw new Error(invited.error);
    expect(await changeUserRole(db, c.deps, { agentId: admin.id, userId: invited.user.id, role: "support", meta })).toBe("changed");
    expect(await setUserDisabled(db, c.deps, { agentId: admin.id, userId: invited.user.id, disabled: true, meta })).toBe("changed");
    await resetTwoFactor(db, c.deps, { userId: story.user.id, actor: { kind: "support", agentId: admin.id, identityCheck: "video_call", reason: "lost phone" }, keepSessionId: null, meta });

    const rows = await db.selectFrom("audit_events").selectAll().orderBy("at").execute();
    const expected: [string, string, string | null][] = [
      ["signin.password_failed", story.user.id, null], // nobody proved who they are
      ["signin.password_succeeded", story.user.id, story.user.id],
      ["signin.completed", story.user.id, story.user.id],
      ["signin.second_factor_failed", story.user.id, story.user.id],
      ["two_factor.step_up", story.user.id, story.user.id],
      ["two_factor.step_up_failed", story.user.id, story.user.id],
      ["two_factor.setup", story.user.id, story.user.id],
      ["two_factor.key_replaced", story.user.id, story.user.id],
      ["two_factor.phone_changed", story.user.id, story.user.id],
      ["two_factor.switched", story.user.id, story.user.id],
      ["fallback.added", story.user.id, story.user.id],
      ["fallback.changed", story.user.id, story.user.id],
      ["fallback.removed", story.user.id, story.user.id],
      ["two_factor.reset_requested", story.user.id, story.user.id],
      ["two_factor.reset_failed", story.user.id, story.user.id],
      ["two_factor.reset", story.user.id, story.user.id],
      ["two_factor.support_reset", story.user.id, admin.id],
      ["user.created", invited.user.id, admin.id],
      ["user.role_changed", invited.user.id, admin.id],
      ["user.disabled", invited.user.id, admin.id],
      ["signout", story.user.id, story.user.id],
    ];
    for (const [type, subject, actor] of expected) {
      const row = rows.find((candidate) => candidate.type === type && candidate.subject_user_id === subject);
      expect(row, type).toBeDefined();
      expect(row, type).toMatchObject({ actor_user_id: actor, ip: "127.0.0.1", user_agent: UA });
      expect(Number(row!.at), type).toBeGreaterThanOrEqual(story.startMs);
      expect(Number(row!.at), type).toBeLessThanOrEqual(c.clock.nowMs());
    }
    expect(JSON.parse(rows.find((row) => row.type === "two_factor.support_reset")!.detail!)).toMatchObject({ identity_check: "video_call", reason: "lost phone" });

    const dump = JSON.stringify(rows);
    const codes = [
      ...c.outbox.list().flatMap((sms) => /\b\d{6}\b/.exec(sms.body) ?? []),
      ...story.secrets.flatMap((secret) => totpCodesBetween(secret, story.startMs, c.clock.nowMs())),
    ];
    expect(codes.length).toBeGreaterThan(50);
    for (const code of codes) expect(dump).not.toMatch(new RegExp(`(?<![0-9a-f])${code}(?![0-9a-f])`));
    expect(dump).not.toContain(TEST_PASSWORD);
    for (const form of Object.values(STORY_PHONES).flatMap(phoneForms)) expect(dump).not.toContain(form);
    for (const token of story.tokens) expect(dump).not.toContain(token);
    expect(dump).not.toContain(invited.token);
  }, 60_000);
});
