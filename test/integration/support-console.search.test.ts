import { describe, expect, it } from "vitest";
import { describeEvent } from "../../src/views/event-labels.ts";
import { expectNotFoundPage, h1Count, staffClient } from "../support/admin.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { enrollApp, enrollSms, signInWithSmsCode } from "../support/two-factor.ts";

const PHONE = "+447400123456";
const FALLBACK = "+447400654321";

describe.each(TEST_DIALECTS)("support console: search, user page and who may enter (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const resultEmails = (body: string) => [...body.matchAll(/<td><a href="\/admin\/users\/[0-9a-f]{32}">[^<]*<\/a><\/td>\s*<td>([^<]+)<\/td>/g)].map((m) => m[1]);

  it("search matches email or name case-insensitively, takes LIKE wildcards literally, escapes output and stops at 50", async () => {
    const { client } = await staffClient(ctx, "support");
    await ctx.createUser({ email: "ann.example@example.com", name: "Ann Example", password: null });
    await ctx.createUser({ email: "bob@sample.org", name: "Bob JOANNA Stone", password: null });
    await ctx.createUser({ email: "a_b@example.com", name: "Under Score", password: null });
    await ctx.createUser({ email: "axb@example.com", name: "No Underscore", password: null });
    await ctx.createUser({ email: "pct@example.com", name: "100% Club", password: null });
    await ctx.createUser({ email: "thousand@example.com", name: "1000 Club", password: null });
    await ctx.createUser({ email: "eve@example.com", name: "Eve <b>Bold</b>", password: null });

    const page = await client.get("/admin");
    expect(page.status).toBe(200);
    expect(h1Count(page.body)).toBe(1);
    expect(page.body).toContain("<h1>Support console</h1>");
    expect(page.body).toContain('<label for="field-q">Search users</label>');
    expect(page.body).not.toContain("Results");

    expect(resultEmails((await client.get("/admin?q=ANN")).body)).toEqual(["ann.example@example.com", "bob@sample.org"]);
    expect(resultEmails((await client.get("/admin?q=SAMPLE.ORG")).body)).toEqual(["bob@sample.org"]);
    expect(resultEmails((await client.get("/admin?q=a_b")).body)).toEqual(["a_b@example.com"]);
    expect(resultEmails((await client.get(`/admin?q=${encodeURIComponent("100%")}`)).body)).toEqual(["pct@example.com"]);
    expect(resultEmails((await client.get(`/admin?q=${encodeURIComponent("\\")}`)).body)).toEqual([]);
    const escaped = await client.get("/admin?q=eve");
    expect(escaped.body).toContain("Eve &lt;b&gt;Bold&lt;/b&gt;");
    expect(escaped.body).not.toContain("<b>Bold</b>");
    expect((await client.get("/admin?q=nobody-at-all")).body).toContain("No users match “nobody-at-all”.");
    // A NUL is refused before the search (PostgreSQL cannot compare one: it was a 500 there).
    const nul = await client.get("/admin?q=ann%00");
    expect(nul.status).toBe(400);
    expect(nul.body).toContain("Search without control characters.");
    expect(resultEmails(nul.body)).toEqual([]);

    for (let n = 0; n < 55; n += 1) await ctx.createUser({ email: `bulk${String(n).padStart(2, "0")}@example.com`, name: `Bulk ${n}`, password: null });
    const many = await client.get("/admin?q=bulk");
    expect(resultEmails(many.body)).toHaveLength(50);
    expect(many.body).toContain("Showing the first 50 users");

    expect((await client.get("/admin?q=ann&extra=1")).status).toBe(400);
    expect((await client.get("/admin?q=ann&q=bob")).status).toBe(400);
    expect((await client.get(`/admin?q=${"x".repeat(300)}`)).status).toBe(400);
  });

  it("the user page shows the account, masked methods, sessions without token hashes and recent events", async () => {
    const { user: agent, client } = await staffClient(ctx, "support");
    const user = await ctx.createUser({ email: "carol@example.com", name: "Carol Client" });
    await enrollSms(ctx, user.email, PHONE);
    await signInWithSmsCode(ctx, user.email, PHONE);
    await ctx.testDb.database.db.updateTable("users").set({ fallback_phone_e164: FALLBACK }).where("id", "=", user.id).execute();

    const page = await client.get(`/admin/users/${user.id}`);
    expect(page.status).toBe(200);
    expect(h1Count(page.body)).toBe(1);
    expect(page.body).toContain("<h1>Carol Client</h1>");
    expect(page.body).toMatch(/<dt>Email<\/dt><dd>carol@example.com<\/dd>/);
    expect(page.body).toMatch(/<dt>Role<\/dt><dd>Client<\/dd>/);
    expect(page.body).toMatch(/<dt>Status<\/dt><dd>Active<\/dd>/);
    expect(page.body).toContain("SMS to •••• •••• 56");
    expect(page.body).toMatch(/<dt>Fallback phone<\/dt><dd>•••• •••• 21<\/dd>/);
    for (const digits of ["7400123456", "7400 123456", "7400654321"]) expect(page.body).not.toContain(digits);

    const sessions = await ctx.testDb.database.db.selectFrom("sessions").select("id").where("user_id", "=", user.id).execute();
    expect(sessions.length).toBeGreaterThan(0);
    for (const { id } of sessions) expect(page.body).not.toContain(id);
    expect(page.body).toMatch(/<td>127\.0\.0\.1<\/td>\s*<td class="user-agent"[^>]*>[^<]+<\/td>\s*<td>Signed in<\/td>/);
    expect(page.body).toContain(describeEvent("two_factor.setup"));
    expect(page.body).toContain(describeEvent("signin.completed"));
    expect(page.body).toContain("<td>The user</td>");
    expect(page.body).toContain('<button type="submit" class="button-primary" aria-describedby="reset-effect">Reset two-factor</button>');
    expect(page.body).toContain('<legend>Identity check used</legend>');
    expect(page.body).toContain('<label for="field-reason">Reason</label>');
    expect(page.body).not.toContain("Administration"); // support does not manage accounts

    const appUser = await ctx.createUser({ name: "Dan App" });
    await enrollApp(ctx, appUser.email);
    expect((await client.get(`/admin/users/${appUser.id}`)).body).toMatch(/<dt>Active method<\/dt><dd>Authenticator app<\/dd>/);
    // The agent's own page offers no reset: that would skip the proof of their own factor.
    expect((await client.get(`/admin/users/${agent.id}`)).body).toContain("This is your own account.");
    expect((await client.get(`/admin/users/${"0".repeat(32)}`)).status).toBe(404);
    expect((await client.get("/admin/users/not-an-id")).status).toBe(404);
  });

  it("the menu offers the console to support and administrators only; a client gets the not-found page everywhere in it", async () => {
    const support = await staffClient(ctx, "support");
    const admin = await staffClient(ctx, "admin");
    const clientUser = await ctx.createUser({ name: "Cleo Client" });
    const client = await ctx.fullSessionClient(clientUser);
    const menuItem = '<li><a href="/admin">Support console</a></li>';
    expect((await support.client.get("/")).body).toContain(menuItem);
    expect((await admin.client.get("/")).body).toContain(menuItem);
    expect((await client.get("/")).body).not.toContain(menuItem);

    await expectNotFoundPage(ctx, await client.get("/admin"));
    await expectNotFoundPage(ctx, await client.get(`/admin?q=a`));
    await expectNotFoundPage(ctx, await client.get(`/admin/users/${support.user.id}`));
    await expectNotFoundPage(ctx, await client.get("/admin/users/new"));
    await expectNotFoundPage(ctx, await client.submit("/", { identity_check: "in_person", reason: "I want to reset this." }, `/admin/users/${support.user.id}/reset-2fa`));
    await expectNotFoundPage(ctx, await client.submit("/", { email: "x@example.com", name: "X", role: "admin" }, "/admin/users"));
    await expectNotFoundPage(ctx, await client.submit("/", { role: "admin" }, `/admin/users/${clientUser.id}/role`));
    expect((await ctx.testDb.database.db.selectFrom("users").select("role").where("id", "=", clientUser.id).executeTakeFirstOrThrow()).role).toBe("client");
  });

  it("a support agent who has only passed the password cannot reach the console", async () => {
    const agent = await ctx.createUser({ role: "support", name: "Pat Pending" });
    const target = await ctx.createUser();
    await enrollApp(ctx, target.email);
    const noFactorYet = await ctx.signInWithPassword(agent.email);
    expect((await noFactorYet.get("/admin")).location).toBe("/two-factor/setup");
    await enrollApp(ctx, agent.email);
    const pending = await ctx.signInWithPassword(agent.email);
    expect((await pending.get("/admin")).location).toBe("/two-factor/verify");
    expect((await pending.get(`/admin/users/${target.id}`)).location).toBe("/two-factor/verify");
    // Not even a POST with a valid CSRF token (from the page the session may see) gets through.
    const forged = await pending.submit("/two-factor/verify", { identity_check: "in_person", reason: "Forged request here" }, `/admin/users/${target.id}/reset-2fa`);
    expect(forged.location).toBe("/two-factor/verify");
    expect(await ctx.testDb.database.db.selectFrom("second_factors").select("id").where("user_id", "=", target.id).execute()).toHaveLength(1);
  });
});
