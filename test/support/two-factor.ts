import { Secret, URI } from "otpauth";
import { generateTotpCode } from "../../src/auth/totp.ts";
import { TEST_PASSWORD, type TestContext } from "./context.ts";
import { HttpClient } from "./http-client.ts";

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

/** A client whose every request carries `userAgent`, as one browser would (for the audit log's records). */
export function clientWithUserAgent(ctx: TestContext, userAgent: string): HttpClient {
  return new UserAgentClient(ctx.baseUrl, userAgent);
}

class UserAgentClient extends HttpClient {
  constructor(
    baseUrl: string,
    private readonly userAgent: string,
  ) {
    super(baseUrl);
  }

  override request(method: string, path: string, options: { body?: string; headers?: Record<string, string> } = {}) {
    return super.request(method, path, { ...options, headers: { "user-agent": this.userAgent, ...options.headers } });
  }
}

/**
 * Signs in with password and app code into a full session. The clock first moves one TOTP step
 * (30 s), so the code is never the step a previous sign-in or step-up already used.
 */
export async function signInWithAppCode(ctx: TestContext, email: string, secret: Buffer, client: HttpClient = ctx.client()): Promise<HttpClient> {
  ctx.clock.advance(30_000);
  const password = await client.submit("/login", { email, password: TEST_PASSWORD });
  if (password.location !== "/two-factor") throw new Error(`password step failed: ${password.status} ${password.location}`);
  const done = await submitSignInCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
  if (done.location !== "/") throw new Error(`app code refused at sign-in: ${done.status}`);
  return client;
}

/** Signs in with password and the SMS code sent to `phone` on arrival, into a full session. */
export async function signInWithSmsCode(ctx: TestContext, email: string, phone: string, client: HttpClient = ctx.client()): Promise<HttpClient> {
  const password = await client.submit("/login", { email, password: TEST_PASSWORD });
  if (password.location !== "/two-factor") throw new Error(`password step failed: ${password.status} ${password.location}`);
  const done = await submitSignInCode(client, lastSmsCode(ctx, phone));
  if (done.location !== "/") throw new Error(`SMS code refused at sign-in: ${done.status}`);
  return client;
}

/** Step-up with the app on "Confirm it's you" (one TOTP step later, see signInWithAppCode); the response is the POST's. */
export function stepUpWithApp(ctx: TestContext, client: HttpClient, secret: Buffer, then: string) {
  ctx.clock.advance(30_000);
  const page = `/two-factor/step-up?then=${then}`;
  return client.submit(page, { code: totpCodeAt(secret, ctx.clock.nowMs()) });
}

/** Every second-factor row of the user, as [kind, status] pairs in a stable order. */
export async function factorStates(ctx: TestContext, userId: string): Promise<[string, string][]> {
  const rows = await ctx.testDb.database.db.selectFrom("second_factors").select(["kind", "status"]).where("user_id", "=", userId).orderBy("status").orderBy("kind").execute();
  return rows.map((row) => [row.kind, row.status]);
}

/** The user's audit events, oldest first. */
export function auditEventsOf(ctx: TestContext, userId: string) {
  return ctx.testDb.database.db.selectFrom("audit_events").selectAll().where("subject_user_id", "=", userId).orderBy("at").orderBy("id").execute();
}

/** The user's fallback phone (E.164) as stored, or null. */
export async function storedFallback(ctx: TestContext, userId: string): Promise<string | null> {
  return (await ctx.testDb.database.db.selectFrom("users").select("fallback_phone_e164").where("id", "=", userId).executeTakeFirstOrThrow()).fallback_phone_e164;
}

/** The user's active method as a test knows it: the app's secret, or the SMS phone (E.164). */
export type KnownMethod = { kind: "totp"; secret: Buffer } | { kind: "sms"; phone: string };

/** Signs in with password and the current method's code (see signInWithAppCode and signInWithSmsCode). */
export function signInWith(ctx: TestContext, email: string, method: KnownMethod, client: HttpClient = ctx.client()): Promise<HttpClient> {
  return method.kind === "totp" ? signInWithAppCode(ctx, email, method.secret, client) : signInWithSmsCode(ctx, email, method.phone, client);
}

/**
 * Lets five minutes pass, so the session's proof is stale, and passes the step-up with the current
 * method ("Send code" first for SMS). Returns where the step-up leads.
 */
export async function staleThenStepUp(ctx: TestContext, client: HttpClient, method: KnownMethod, then: string): Promise<string | null> {
  ctx.clock.advance(5 * 60_000);
  if (method.kind === "totp") return (await stepUpWithApp(ctx, client, method.secret, then)).location;
  const page = `/two-factor/step-up?then=${then}`;
  const sent = await client.submit(page, {}, `/two-factor/step-up/send?then=${then}`);
  if (sent.location !== page) throw new Error(`step-up code not sent: ${sent.status}`);
  return (await client.submit(page, { code: lastSmsCode(ctx, method.phone) })).location;
}
