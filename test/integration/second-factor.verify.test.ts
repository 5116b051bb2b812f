import { describe, expect, it } from "vitest";
import { MESSAGES } from "../support/messages.ts";
import { formatUtc } from "../../src/views/time.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import type { HttpClient } from "../support/http-client.ts";
import { enrollApp, enrollSms, lastSmsCode, startAppSetup, submitAppSetupCode, submitSignInCode, totpCodeAt } from "../support/two-factor.ts";

const STEP_MS = 30_000;
const SUPPORT_CONTACT = "help@client-services.example, +44 20 7946 0000";
const PHONE = "+447400123456";

describe.each(TEST_DIALECTS)("every later sign-in asks for the second factor (%s)", (dialect) => {
  const ctx = useTestContext(dialect, { env: { SUPPORT_CONTACT } });

  const sessionToken = (client: HttpClient) => client.cookie("gatehouse_session");

  /** A user with an app, enrolled a step ago (so the current step's code is still unused). */
  async function appUser(): Promise<{ email: string; secret: Buffer }> {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(STEP_MS);
    return { email: user.email, secret };
  }

  it("after the password, /two-factor leads to Two-Factor Verification with the code field, Verify and Reset Two-Factor", async () => {
    const { email } = await appUser();
    const client = ctx.client();
    const signedIn = await client.submit("/login", { email, password: TEST_PASSWORD });
    expect(signedIn.status).toBe(303);
    expect(signedIn.location).toBe("/two-factor");
    const hub = await client.get("/two-factor");
    expect(hub.status).toBe(303);
    expect(hub.location).toBe("/two-factor/verify");
    const page = await client.get("/two-factor/verify");
    expect(page.status).toBe(200);
    expect(page.body).toContain("<h1>Two-Factor Verification</h1>");
    expect(page.body).toMatch(/<label for="field-code">Six-digit code<\/label>/);
    expect(page.body).toContain('autocomplete="one-time-code"');
    expect(page.body).toMatch(/<button type="submit"[^>]*>Verify<\/button>/);
    expect(page.body).toMatch(/<button type="submit"[^>]*>Reset Two-Factor<\/button>/);
  });

  it("before the code, every portal URL leads back to Two-Factor Verification", async () => {
    const { email } = await appUser();
    const client = await ctx.signInWithPassword(email);
    for (const path of ["/", "/two-factor", "/two-factor/setup", "/two-factor/setup/app", "/two-factor/setup/sms", "/nope", "/deep/unknown?x=1"]) {
      const response = await client.get(path);
      expect(response.status, path).toBe(303);
      expect(response.location, path).toBe("/two-factor/verify");
    }
  });

  it("a correct code issues a new session token, ends the pending one, and opens the dashboard", async () => {
    const { email, secret } = await appUser();
    const client = await ctx.signInWithPassword(email);
    const pendingToken = sessionToken(client)!;
    expect(pendingToken).toBeTruthy();
    const response = await submitSignInCode(client, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
    expect(sessionToken(client)).toBeTruthy();
    expect(sessionToken(client)).not.toBe(pendingToken);
    const dashboard = await client.get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toContain("<h1>Dashboard</h1>");

    const stale = ctx.client();
    stale.setCookie("gatehouse_session", pendingToken);
    expect((await stale.get("/two-factor/verify")).location).toBe("/login");
    expect((await stale.get("/")).location).toBe("/login");
  });

  it("a code used once is refused in another sign-in in the same 30-second step; the next step's code works", async () => {
    const { email, secret } = await appUser();
    const code = totpCodeAt(secret, ctx.clock.nowMs());
    const first = await ctx.signInWithPassword(email);
    expect((await submitSignInCode(first, code)).location).toBe("/");

    ctx.clock.advance(10_000); // still the same step
    const second = await ctx.signInWithPassword(email);
    const replay = await submitSignInCode(second, code);
    expect(replay.status).toBe(400);
    expect(replay.body).toContain(MESSAGES.codeReused); // told apart from a wrong code (PORTAL.md §6)
    expect(replay.body).toMatch(/aria-describedby="[^"]*\bcode-error\b/);

    ctx.clock.advance(STEP_MS);
    const next = await submitSignInCode(second, totpCodeAt(secret, ctx.clock.nowMs()));
    expect(next.status).toBe(303);
    expect(next.location).toBe("/");
  });

  it("an SMS user is sent a code on arrival, can ask for another, and the code signs them in", async () => {
    const user = await ctx.createUser();
    await enrollSms(ctx, user.email, PHONE);
    const sentBefore = ctx.outbox.list().length;
    ctx.clock.advance(STEP_MS);
    const client = await ctx.signInWithPassword(user.email);
    expect(ctx.outbox.list()).toHaveLength(sentBefore + 1);
    expect(ctx.outbox.list()[0]!.to).toBe(PHONE);
    const page = await client.get("/two-factor/verify");
    expect(page.body).toContain("<h1>Two-Factor Verification</h1>");
    expect(page.body).toMatch(/<label for="field-code">Six-digit code<\/label>/);
    expect(page.body).toContain(">Resend code</button>");
    expect(page.body).toContain(">Reset Two-Factor</button>");
    expect(page.body).toContain("•••• •••• 56");
    expect(page.body).not.toContain("7400");

    const response = await submitSignInCode(client, lastSmsCode(ctx, PHONE));
    expect(response.status).toBe(303);
    expect(response.location).toBe("/");
    expect((await client.get("/")).body).toContain("SMS to •••• •••• 56");
  });

  it("after the second sign-in the dashboard's Previous sign-in shows the time of the first", async () => {
    const user = await ctx.createUser();
    const client = await ctx.signInWithPassword(user.email);
    const secret = await startAppSetup(client);
    const firstSignInAt = ctx.clock.nowMs();
    expect((await submitAppSetupCode(client, totpCodeAt(secret, firstSignInAt))).location).toBe("/");
    expect((await client.get("/")).body).toContain("This is your first sign-in.");
    await client.submit("/", {}, "/logout");

    ctx.clock.advance(2 * 60 * 60_000);
    const again = await ctx.signInWithPassword(user.email);
    expect((await submitSignInCode(again, totpCodeAt(secret, ctx.clock.nowMs()))).location).toBe("/");
    const dashboard = await again.get("/");
    expect(dashboard.body).toContain("<dt>Previous sign-in</dt>");
    expect(dashboard.body).toContain(`<time datetime="${new Date(firstSignInAt).toISOString()}">${formatUtc(firstSignInAt)}</time>`);
    expect(dashboard.body).not.toContain("This is your first sign-in.");
  });

  it("Reset Two-Factor, for a user without a fallback phone, shows the support contact from configuration", async () => {
    const { email } = await appUser();
    const client = await ctx.signInWithPassword(email);
    const reset = await client.get("/two-factor/reset");
    expect(reset.status).toBe(200);
    expect(reset.body).toContain('<h2 id="reset-dialog-title">Reset Two-Factor</h2>');
    expect(reset.body).toMatch(/contact support/i);
    expect(reset.body).toContain(SUPPORT_CONTACT);
  });
});
