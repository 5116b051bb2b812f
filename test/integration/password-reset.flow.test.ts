import { describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { enrollApp, totpCodeAt } from "../support/two-factor.ts";

const NEW_PASSWORD = "an entirely new passphrase";

describe.each(TEST_DIALECTS)("forgotten password (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  async function resetLinkFor(email: string): Promise<string> {
    await ctx.flushMail();
    const mail = ctx.outbox.latestTo(email);
    const link = mail && /http:\/\/[^\s]+\/reset-password\/[A-Za-z0-9_-]{43}/.exec(mail.body)?.[0];
    if (!link) throw new Error("no reset link mailed");
    return new URL(link).pathname;
  }

  it("answers the same for known and unknown addresses, and mails a link only to the account", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const known = await ctx.client().submit("/forgot-password", { email: user.email });
    const unknown = await ctx.client().submit("/forgot-password", { email: "nobody@example.com" });
    // Post/Redirect/Get, to the same page for both (no "Confirm Form Resubmission" on Back).
    expect([known.status, known.location]).toEqual([303, "/forgot-password/sent"]);
    expect([unknown.status, unknown.location]).toEqual([303, "/forgot-password/sent"]);
    expect((await ctx.client().get("/forgot-password/sent")).body).toContain("Check your e-mail");
    await ctx.flushMail();
    expect(ctx.outbox.latestTo("ann@example.com")?.subject).toContain("reset your password");
    expect(ctx.outbox.latestTo("nobody@example.com")).toBeUndefined();
  });

  it("asks for the second factor first, then the new password; never signs in; ends every session", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, user.email);
    ctx.clock.advance(30_000);
    const signedIn = await ctx.signInWithPassword(user.email);
    expect((await signedIn.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) })).location).toBe("/");

    await ctx.client().submit("/forgot-password", { email: user.email });
    const path = await resetLinkFor(user.email);
    const browser = ctx.client();
    const first = await browser.get(path);
    expect(first.body).toMatch(/<label for="field-code">Six-digit code<\/label>/);
    expect(first.body).not.toContain("New password");
    // Skipping the factor step changes nothing.
    const skipped = await browser.submit(path, { password: NEW_PASSWORD, confirm: NEW_PASSWORD }, `${path}/password`);
    expect(skipped.location).toBe(path);

    ctx.clock.advance(30_000);
    expect((await browser.submit(path, { code: totpCodeAt(secret, ctx.clock.nowMs()) }, `${path}/verify`)).location).toBe(path);
    const second = await browser.get(path);
    expect(second.body).toContain('<label for="field-password">New password</label>');
    expect(second.body).toContain('<label for="field-confirm">Confirm new password</label>');
    const same = await browser.submit(path, { password: TEST_PASSWORD, confirm: TEST_PASSWORD }, `${path}/password`);
    expect(same.body).toContain("different from your current one");
    const done = await browser.submit(path, { password: NEW_PASSWORD, confirm: NEW_PASSWORD }, `${path}/password`);
    expect(done.location).toBe("/login?notice=password-reset");
    expect((await browser.get("/")).location).toBe("/login");
    expect((await signedIn.get("/")).location).toBe("/login");
    expect((await ctx.client().get(path)).status).toBe(410);
    expect((await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD })).status).toBe(401);
    expect((await ctx.client().submit("/login", { email: user.email, password: NEW_PASSWORD })).status).toBe(303);
  });

  it("the link works for 30 minutes", async () => {
    const user = await ctx.createUser();
    await ctx.client().submit("/forgot-password", { email: user.email });
    const path = await resetLinkFor(user.email);
    ctx.clock.advance(30 * MINUTE_MS - 1000);
    expect((await ctx.client().get(path)).status).toBe(200);
    ctx.clock.advance(1000);
    expect((await ctx.client().get(path)).status).toBe(410);
  });
});
