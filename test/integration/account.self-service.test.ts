import { describe, expect, it } from "vitest";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { enrollApp, totpCodeAt } from "../support/two-factor.ts";

const NEW_PASSWORD = "a much longer new passphrase";

describe.each(TEST_DIALECTS)("signed-in self-service (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  async function signIn(email: string, secret: Buffer) {
    ctx.clock.advance(30_000);
    const client = await ctx.signInWithPassword(email);
    expect((await client.submit("/two-factor/verify", { code: totpCodeAt(secret, ctx.clock.nowMs()) })).location).toBe("/");
    return client;
  }

  it("changing the password needs the current one and a fresh second factor, and ends other sessions", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const secret = await enrollApp(ctx, user.email);
    const other = await signIn(user.email, secret);
    const client = await signIn(user.email, secret);
    const page = await client.get("/account/password");
    for (const label of ["Current password", "New password", "Confirm new password"]) expect(page.body).toContain(`>${label}</label>`);
    const wrongCurrent = await client.submit("/account/password", { current: "not it at all", password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(wrongCurrent.status).toBe(400);
    const same = await client.submit("/account/password", { current: TEST_PASSWORD, password: TEST_PASSWORD, confirm: TEST_PASSWORD });
    expect(same.body).toContain("different from your current one");

    ctx.clock.advance(5 * MINUTE_MS);
    expect((await client.get("/account/password")).location).toBe("/two-factor/step-up?then=password");
    ctx.clock.advance(30_000);
    expect((await client.submit("/two-factor/step-up?then=password", { code: totpCodeAt(secret, ctx.clock.nowMs()) })).location).toBe("/account/password");
    const done = await client.submit("/account/password", { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.location).toBe("/");
    expect((await client.get("/")).body).toContain("Your password has been changed.");
    expect((await other.get("/")).location).toBe("/login");
    await ctx.flushMail();
    expect(ctx.outbox.latestTo(user.email)?.body).toContain("Your password was changed.");
    expect((await ctx.client().submit("/login", { email: user.email, password: NEW_PASSWORD })).status).toBe(303);
  });

  it("the display name can be changed on the Profile page; the email cannot", async () => {
    const user = await ctx.createUser({ name: "Ann" });
    const client = await ctx.fullSessionClient(user);
    const page = await client.get("/account/profile");
    expect(page.body).toContain("<h1>Profile</h1>");
    expect(page.body).toContain(user.email);
    expect((await client.submit("/account/profile", { name: "  " })).status).toBe(400);
    expect((await client.submit("/account/profile", { name: "Ann <B>" })).location).toBe("/account/profile");
    const after = await client.get("/account/profile");
    expect(after.body).toContain("Your profile has been saved.");
    expect(after.body).toContain("Ann &lt;B&gt;");
    expect((await client.submit("/account/profile", { name: "Ann", email: "eve@example.com" })).status).toBe(400);
  });
});
