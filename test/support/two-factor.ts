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
  return secret;
}
