import { Secret, URI } from "otpauth";
import { generateTotpCode } from "../../src/auth/totp.ts";
import type { TestContext } from "./context.ts";
import type { HttpClient } from "./http-client.ts";

/** The secret shown under "Can't scan? Enter this key" on the app set-up page. */
export function keyFromSetupPage(html: string): Buffer {
  const match = /<p class="secret-key"><code>([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!match?.[1]) throw new Error("no key on the set-up page");
  return Buffer.from(Secret.fromBase32(match[1].replace(/ /g, "")).bytes);
}

export function secretFromUri(uri: string): Buffer {
  return Buffer.from(URI.parse(uri).secret.bytes);
}

export function totpCodeAt(secret: Buffer, nowMs: number): string {
  return generateTotpCode({ secret, nowMs });
}

/** The last SMS code the development outbox holds for `phone`. */
export function lastSmsCode(ctx: TestContext, phone: string): string {
  const entry = ctx.outbox.latestTo(phone);
  const code = entry && /\b(\d{6})\b/.exec(entry.body)?.[1];
  if (!code) throw new Error(`no SMS code sent to ${phone}`);
  return code;
}

/** Starts app set-up for a pending client and returns the secret from the page. */
export async function startAppSetup(client: HttpClient): Promise<Buffer> {
  const started = await client.submit("/two-factor/setup", {}, "/two-factor/setup/app");
  if (started.location !== "/two-factor/setup/app") throw new Error(`app set-up did not start: ${started.status}`);
  return keyFromSetupPage((await client.get("/two-factor/setup/app")).body);
}

/** A user with an active authenticator app, signed out again; returns the secret. */
export async function enrollApp(ctx: TestContext, email: string): Promise<Buffer> {
  const client = await ctx.signInWithPassword(email);
  const secret = await startAppSetup(client);
  const done = await client.submit("/two-factor/setup/app", { code: totpCodeAt(secret, ctx.clock.nowMs()) }, "/two-factor/setup/app/verify");
  if (done.location !== "/") throw new Error(`app set-up failed: ${done.status}`);
  await client.submit("/", {}, "/logout");
  return secret;
}

/** Submits a code on the app set-up page (field "Six-digit code", button "Verify"). */
export function submitAppSetupCode(client: HttpClient, code: string) {
  return client.submit("/two-factor/setup/app", { code }, "/two-factor/setup/app/verify");
}

/** Chooses SMS and sends a code to `phone` as typed; the response is the send's. */
export function sendSmsSetupCode(client: HttpClient, phone: string) {
  return client.submit("/two-factor/setup/sms", { phone }, "/two-factor/setup/sms/send");
}

/** Submits a code on the SMS set-up code page. */
export function submitSmsSetupCode(client: HttpClient, code: string) {
  return client.submit("/two-factor/setup/sms/verify", { code }, "/two-factor/setup/sms/verify");
}

/** Submits a code on "Two-Factor Verification" (every later sign-in). */
export function submitSignInCode(client: HttpClient, code: string) {
  return client.submit("/two-factor/verify", { code }, "/two-factor/verify");
}

/** Six digits that are the code of none of the steps T-1, T, T+1 around `nowMs`. */
export function wrongTotpCode(secret: Buffer, nowMs: number): string {
  const valid = new Set([-30_000, 0, 30_000].map((offset) => totpCodeAt(secret, nowMs + offset)));
  for (let n = 0; ; n += 1) {
    const candidate = String(n).padStart(6, "0");
    if (!valid.has(candidate)) return candidate;
  }
}

/** Six digits other than `code`. */
export function otherCode(code: string): string {
  return String((Number(code) + 1) % 1_000_000).padStart(6, "0");
}

/** A user with SMS to `phone` (E.164) as the active method, signed out again. */
export async function enrollSms(ctx: TestContext, email: string, phone: string): Promise<void> {
  const client = await ctx.signInWithPassword(email);
  const sent = await sendSmsSetupCode(client, phone);
  if (sent.location !== "/two-factor/setup/sms/verify") throw new Error(`SMS set-up did not start: ${sent.status}`);
  const done = await submitSmsSetupCode(client, lastSmsCode(ctx, phone));
  if (done.location !== "/") throw new Error(`SMS set-up failed: ${done.status}`);
  await client.submit("/", {}, "/logout");
}
