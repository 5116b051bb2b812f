import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createInvitedUser } from "../../src/auth/invitation.ts";
import { totpSecretToBase32 } from "../../src/auth/totp.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { captureLogs, type LogCapture } from "../support/log-capture.ts";
import { choosePassword, mailedLinkPath } from "../support/mailed-links.ts";
import { runSecurityStory, STORY_PHONES } from "../support/security-story.ts";
import { lastSmsCode, sendSmsSetupCode, submitSmsSetupCode, totpCodeAt } from "../support/two-factor.ts";

const NEW_PASSWORD = "a reset passphrase for the log test";
const CHANGED_PASSWORD = "a changed passphrase for the log test";
const INVITED_PASSWORD = "an invited passphrase for the log test";
const INVITED_PHONE = { typed: "+44 7400 987 654", e164: "+447400987654" };
/** Form fields whose values are secrets or personal data (passwords, codes, CSRF tokens, phone numbers). */
const SECRET_FIELDS = ["password", "confirm", "current", "code", "reset_code", "phone", "_csrf"];

/** Records every secret the test's browsers send or receive: form values, cookies, link tokens. */
function recordSecrets(seen: Set<string>) {
  const realFetch = globalThis.fetch;
  return vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    for (const match of url.pathname.matchAll(/\/(?:reset-password|invite|setup)\/([A-Za-z0-9_-]{43})/g)) seen.add(match[1]!);
    if (typeof init?.body === "string") for (const [name, value] of new URLSearchParams(init.body)) if (SECRET_FIELDS.includes(name) && value) seen.add(value);
    const response = await realFetch(input, init);
    for (const line of response.headers.getSetCookie()) {
      const value = /^(?:__Host-)?gatehouse_(?:session|csrf)=([^;]*)/.exec(line)?.[1];
      if (value) seen.add(value);
    }
    return response;
  });
}

describe.each(TEST_DIALECTS)("logs (%s)", (dialect) => {
  let logs: LogCapture;
  beforeEach(() => {
    logs = captureLogs("trace");
  });
  const ctx = useTestContext(dialect, () => ({ logger: logs.logger }));
  // Registered after the context, so it runs before the context closes (after hooks run in reverse).
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("no password, code, session or CSRF token, link token, authenticator key or full phone number reaches a log line, even at trace level", async () => {
    const seen = new Set<string>([TEST_PASSWORD, NEW_PASSWORD, CHANGED_PASSWORD, INVITED_PASSWORD]);
    recordSecrets(seen);

    // Sign-in, app set-up, fallback phone, step-ups, SMS set-up, a self reset with the fallback phone, a new app.
    const story = await runSecurityStory(ctx, "LogTest/1.0");
    const email = story.user.email;
    const secret = story.secrets.at(-1)!;

    // Forgotten password: the e-mailed link carries a token in its path.
    await ctx.client().submit("/forgot-password", { email });
    const resetPath = await mailedLinkPath(ctx, email, "reset-password");
    const browser = ctx.client();
    ctx.clock.advance(30_000);
    expect((await browser.submit(resetPath, { code: totpCodeAt(secret, ctx.clock.nowMs()) }, `${resetPath}/verify`)).location).toBe(resetPath);
    expect((await browser.submit(resetPath, { password: NEW_PASSWORD, confirm: NEW_PASSWORD }, `${resetPath}/password`)).location).toBe("/login?notice=password-reset");

    // Sign in with the new password, then change it after a step-up.
    const client = ctx.client();
    ctx.clock.advance(30_000);
    expect((await client.submit("/login", { email, password: NEW_PASSWORD })).location).toBe("/two-factor");
    expect((await client.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) })).location).toBe("/");
    ctx.clock.advance(5 * MINUTE_MS);
    expect((await client.get("/account/password")).location).toBe("/two-factor/step-up?then=password");
    expect((await client.submit("/two-factor/step-up?then=password", { code: totpCodeAt(secret, ctx.clock.nowMs()) })).location).toBe("/account/password");
    expect((await client.submit("/account/password", { current: NEW_PASSWORD, password: CHANGED_PASSWORD, confirm: CHANGED_PASSWORD })).location).toBe("/");

    // An invitation link, then an SMS set-up with the number typed with spaces.
    const invited = await createInvitedUser(ctx.testDb.database.db, { clock: ctx.clock, random: cryptoRandom, publicUrl: ctx.deps.config.publicUrl, portalName: "Gatehouse" }, { inviter: { kind: "cli" }, email: "ivy@example.com", displayName: "Ivy", role: "client" });
    if (!invited.ok) throw new Error(invited.error);
    const invitePath = new URL(invited.inviteUrl).pathname;
    const ivy = ctx.client();
    expect((await choosePassword(ivy, invitePath, INVITED_PASSWORD)).location).toBe("/two-factor");
    expect((await sendSmsSetupCode(ivy, INVITED_PHONE.typed)).location).toBe("/two-factor/setup/sms/verify");
    expect((await submitSmsSetupCode(ivy, lastSmsCode(ctx, INVITED_PHONE.e164))).location).toBe("/");

    // Mistyped addresses carrying secrets: an unknown path under a link, a phone number and an e-mail address in a query.
    await ctx.client().get(`${resetPath}/oops`);
    await ctx.client().get(`/admin?q=${encodeURIComponent(INVITED_PHONE.e164)}`);
    await ctx.client().get(`/login?email=${encodeURIComponent(email)}&notice=password-reset`);

    for (const entry of ctx.outbox.list()) for (const code of entry.body.match(/\b\d{6}\b/g) ?? []) seen.add(code);
    for (const key of story.secrets) [totpSecretToBase32(key), key.toString("hex"), key.toString("base64")].forEach((s) => seen.add(s));
    for (const token of story.tokens) seen.add(token);
    for (const phone of [...Object.values(STORY_PHONES), INVITED_PHONE.e164]) [phone, phone.slice(1), phone.slice(3)].forEach((s) => seen.add(s));
    seen.add(new URL(invited.inviteUrl).pathname.split("/").pop()!);

    const lines = logs.lines();
    expect(lines.length).toBeGreaterThan(100);
    const urls = logs.records().flatMap((r) => (r.req ? [(r.req as { url: string }).url] : []));
    expect(urls).toContain("/reset-password/[redacted]/verify");
    expect(urls).toContain("/invite/[redacted]");
    expect(urls).toContain("/reset-password/[redacted]/oops");
    expect(urls).toContain("/admin?q=[redacted]");
    expect(urls).toContain("/login?email=[redacted]&notice=password-reset");
    expect(urls).toContain("/two-factor/step-up?then=password");

    // Six-digit codes are matched as whole numbers; the random request ids are left out (hex digits could form one by chance).
    const leaks: string[] = [];
    for (const line of lines) {
      const { reqId: _reqId, ...record } = JSON.parse(line) as Record<string, unknown>;
      const text = JSON.stringify(record);
      for (const value of seen) {
        const found = /^\d{6}$/.test(value) ? new RegExp(`(?<!\\d)${value}(?!\\d)`).test(text) : text.includes(value);
        if (found) leaks.push(`${value} in ${line}`);
      }
    }
    expect(seen.size).toBeGreaterThan(60);
    expect(leaks).toEqual([]);
  }, 60_000);
});
