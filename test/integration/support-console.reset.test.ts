import { describe, expect, it } from "vitest";
import { IDENTITY_CHECKS } from "../../src/auth/support-reset.ts";
import { auditRowsOfType, IDENTITY_CHECK, insertSmsFactor, REASON, resetTwoFactorOf, sessionCountOf, staffClient } from "../support/admin.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { enrollApp, factorStates, signInWithAppCode, stepUpWithApp } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("support console: resetting a client's two-factor (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  /** A client with an authenticator app, signed in twice (two sessions to be ended). */
  async function clientWithApp(name = "Carol Client") {
    const user = await ctx.createUser({ name });
    const secret = await enrollApp(ctx, user.email);
    const sessions = [await signInWithAppCode(ctx, user.email, secret), await signInWithAppCode(ctx, user.email, secret)];
    return { user, sessions };
  }

  it("after the agent's own fresh code, the reset removes the methods, ends every session, is audited and e-mailed; the next sign-in sets up again", async () => {
    const agent = await ctx.createUser({ role: "support", name: "Sam Support" });
    const agentSecret = await enrollApp(ctx, agent.email);
    const console_ = await signInWithAppCode(ctx, agent.email, agentSecret);
    const { user, sessions } = await clientWithApp();

    // More than 5 minutes after the agent's sign-in: a code of their own first; the checked form is kept
    // meanwhile and the reset done once the code is verified (PORTAL.md §6: nothing re-typed).
    ctx.clock.advance(5 * MINUTE_MS);
    const stale = await resetTwoFactorOf(console_, user.id, { identity_check: "call_back", reason: `  ${REASON}  ` });
    expect(stale.status).toBe(303);
    expect(stale.location).toBe(`/two-factor/step-up?then=admin&user=${user.id}&resume=1`);
    expect(await factorStates(ctx, user.id)).toEqual([["totp", "active"]]);
    const stepUpPage = await console_.get(stale.location!);
    expect(stepUpPage.body).toContain("Resetting another user&#39;s two-factor sign-in needs a fresh code from your own method.");
    expect(stepUpPage.body).toContain(`<a href="/admin/users/${user.id}">Cancel</a>`);
    const done = await stepUpWithApp(ctx, console_, agentSecret, `admin&user=${user.id}&resume=1`);
    expect(done.status).toBe(303);
    expect(done.location).toBe(`/admin/users/${user.id}`);
    const after = await console_.get(done.location!);
    expect(after.body).toMatch(/<div role="status"[^>]*>Two-factor sign-in of Carol Client was reset\./);
    expect(after.body).toContain("None (set-up required at next sign-in)");
    expect(after.body).toContain(`${IDENTITY_CHECKS.call_back}. Reason: ${REASON}`);
    expect(after.body).toContain("<td>Sam Support (" + agent.email + ")</td>");

    expect(await factorStates(ctx, user.id)).toEqual([]);
    expect(await sessionCountOf(ctx, user.id)).toBe(0);
    for (const session of sessions) expect((await session.get("/")).location).toBe("/login");
    expect((await console_.get("/admin")).status).toBe(200); // the agent's own session goes on

    const [row, ...more] = await auditRowsOfType(ctx, "two_factor.support_reset");
    expect(more).toEqual([]);
    expect(row).toMatchObject({ actor_user_id: agent.id, subject_user_id: user.id, ip: "127.0.0.1", detail: { via: "console", identity_check: "call_back", reason: REASON } });
    await ctx.flushMail();
    expect(ctx.outbox.latestTo(user.email)?.body).toContain("reset by our support team");

    const again = ctx.client();
    expect((await again.submit("/login", { email: user.email, password: TEST_PASSWORD })).location).toBe("/two-factor");
    expect((await again.get("/two-factor")).location).toBe("/two-factor/setup");
    expect((await again.get("/two-factor/setup")).body).toContain("<h1>Manage Two-Factor Login</h1>");
    expect((await again.get("/")).location).toBe("/two-factor/setup");
  });

  it("without an identity check or a 10–500 character reason the form comes back with 400 and nothing changes", async () => {
    const { client: agent } = await staffClient(ctx, "support");
    const { user, sessions } = await clientWithApp();
    const cases: [Record<string, string>, string][] = [
      [{ reason: REASON }, "Choose how you verified the user&#39;s identity."],
      [{ identity_check: "", reason: REASON }, "Choose how you verified the user&#39;s identity."],
      [{ identity_check: "telepathy", reason: REASON }, "Choose how you verified the user&#39;s identity."],
      [{ identity_check: IDENTITY_CHECK }, "Write why the reset is needed, in 10 to 500 characters."],
      [{ identity_check: IDENTITY_CHECK, reason: "  too short  " }, "Write why the reset is needed, in 10 to 500 characters."],
      [{ identity_check: IDENTITY_CHECK, reason: "x".repeat(501) }, "Write why the reset is needed, in 10 to 500 characters."],
      [{ identity_check: IDENTITY_CHECK, reason: REASON, admin: "1" }, "The form has a field it should not have: admin."],
    ];
    for (const [fields, message] of cases) {
      const response = await resetTwoFactorOf(agent, user.id, fields);
      expect(response.status, JSON.stringify(fields).slice(0, 80)).toBe(400);
      expect(response.body).toContain(message);
    }
    // The values typed come back, so the agent does not write the reason again.
    const kept = await resetTwoFactorOf(agent, user.id, { identity_check: IDENTITY_CHECK, reason: "short" });
    expect(kept.body).toMatch(/value="video_call" checked/);
    expect(kept.body).toMatch(/>short<\/textarea>/);
    expect((await agent.postForm(`/admin/users/${user.id}/reset-2fa`, { identity_check: IDENTITY_CHECK, reason: REASON })).status).toBe(403); // no CSRF token

    expect(await factorStates(ctx, user.id)).toEqual([["totp", "active"]]);
    expect(await sessionCountOf(ctx, user.id)).toBe(2);
    expect((await sessions[0]!.get("/")).status).toBe(200);
    expect(await auditRowsOfType(ctx, "two_factor.support_reset")).toEqual([]);
  });

  it("support cannot reset an administrator or themself; an administrator can reset an administrator", async () => {
    const support = await staffClient(ctx, "support");
    const admin = await ctx.createUser({ role: "admin", name: "Ada Admin" });
    await enrollApp(ctx, admin.email);
    const otherAdmin = await staffClient(ctx, "admin", "Otto Admin");
    await insertSmsFactor(ctx.testDb.database, ctx.clock.nowMs(), support.user.id, "+447400111111");

    const onAdmin = await resetTwoFactorOf(support.client, admin.id);
    expect(onAdmin.status).toBe(403);
    expect(onAdmin.body).toContain("Only an administrator can reset an administrator&#39;s two-factor sign-in.");
    expect((await support.client.get(`/admin/users/${admin.id}`)).body).not.toContain(">Reset two-factor</button>");
    const own = await support.client.postForm(`/admin/users/${support.user.id}/reset-2fa`, { _csrf: await csrfFrom(support.client, "/admin"), identity_check: IDENTITY_CHECK, reason: REASON });
    expect(own.status).toBe(403);
    expect(await factorStates(ctx, admin.id)).toEqual([["totp", "active"]]);
    expect(await factorStates(ctx, support.user.id)).toEqual([["sms", "active"]]);

    expect((await resetTwoFactorOf(otherAdmin.client, admin.id)).location).toBe(`/admin/users/${admin.id}`);
    expect(await factorStates(ctx, admin.id)).toEqual([]);
    const [row] = await auditRowsOfType(ctx, "two_factor.support_reset");
    expect(row).toMatchObject({ actor_user_id: otherAdmin.user.id, subject_user_id: admin.id });
    // Nothing left to reset: the page says so, and a POST gets 409.
    expect((await otherAdmin.client.get(`/admin/users/${admin.id}`)).body).toContain("there is nothing to reset");
    expect((await otherAdmin.client.postForm(`/admin/users/${admin.id}/reset-2fa`, { _csrf: await csrfFrom(otherAdmin.client, "/admin"), identity_check: IDENTITY_CHECK, reason: REASON })).status).toBe(409);
  });
});

async function csrfFrom(client: HttpClient, path: string): Promise<string> {
  return csrfTokenOf((await client.get(path)).body);
}
