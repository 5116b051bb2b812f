import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SETUP_MESSAGES } from "../../src/features/setup/setup.messages.ts";
import { resetTwoFactorOf, staffClient } from "../support/admin.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { enrollApp, signInWithAppCode } from "../support/two-factor.ts";

/** Copy that told users something untrue or unhelpful (issue 16, items 4 and 9). */
describe.each(TEST_DIALECTS)("what pages and messages say (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect, { env: { SUPPORT_CONTACT: "help@client-services.example" } });
  });
  afterEach(async () => ctx.close());

  it("the forced set-up does not claim the account is already protected", async () => {
    const pending = await ctx.signInWithPassword((await ctx.createUser()).email);
    const page = await pending.get("/two-factor/setup");
    expect(page.body).not.toContain("Your account is protected by two-factor sign-in");
    expect(page.body).toContain(SETUP_MESSAGES.setupIntro);
  });

  it("Manage says what is active and what happens: the new app key replaces the old one once verified", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    expect((await client.get("/two-factor")).body).toContain(SETUP_MESSAGES.manageApp);
    const started = await client.submit("/two-factor", {}, "/two-factor/setup/app");
    expect(started.location).toBe("/two-factor/setup/app");
    expect((await client.get("/two-factor/setup/app")).body).toContain(SETUP_MESSAGES.replacingApp);
    expect((await client.get("/two-factor/setup/sms")).body).toContain(SETUP_MESSAGES.switchingToSms);
  });

  it("an administrator's Profile points to their own console page, not to 'ask an administrator'", async () => {
    const admin = await staffClient(ctx, "admin");
    const page = await admin.client.get("/account/profile");
    expect(page.body).toContain(`<a href="/admin/users/${admin.user.id}">your page in the support console</a>`);
    expect(page.body).not.toContain("Only an administrator can change");
  });

  it("the support-reset e-mail names the agent's first name and the identity check, not their address and browser", async () => {
    const user = await ctx.createUser();
    await enrollApp(ctx, user.email);
    const agent = await staffClient(ctx, "support", "Sam Support");
    expect((await resetTwoFactorOf(agent.client, user.id)).status).toBe(303);
    await ctx.flushMail();
    const mail = ctx.outbox.latestTo(user.email)!;
    expect(mail.body).toContain("Sam from our support team reset it");
    expect(mail.body).toContain("(video call with photo ID)");
    expect(mail.body).toContain("If you did not ask support for this, contact help@client-services.example");
    expect(mail.body).not.toContain("If this was you");
    expect(mail.body).not.toContain("From: ");
  });
});
