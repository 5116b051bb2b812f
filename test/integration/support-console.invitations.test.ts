import { describe, expect, it } from "vitest";
import { createInvitedUser } from "../../src/auth/invitation.ts";
import { INVITE_TTL_MS } from "../../src/auth/one-time-link.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { INVITATION_MESSAGES } from "../../src/features/invitation/invitation.messages.ts";
import { RESEND_LIMIT_PER_HOUR } from "../../src/features/support-console/invitation-admin.service.ts";
import { auditRowsOfType, expectNotFoundPage } from "../support/admin.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";
import { choosePassword, mailedLinkPath } from "../support/mailed-links.ts";
import { listedRows, staffWithPassword } from "../support/users-list.ts";

const LIST = "/admin/users/invitations";
const PASSWORD = "a brand new passphrase";

describe.each(TEST_DIALECTS)("support console: pending invitations (%s)", (dialect) => {
  const ctx = useTestContext(dialect);
  const db = () => ctx.testDb.database.db;

  /** Invites through the console's "Create user", as an administrator does; returns the new user's id. */
  async function invite(admin: HttpClient, email: string, name = "Ivy Invited"): Promise<string> {
    const created = await admin.submit("/admin/users/new", { email, name, role: "client" }, "/admin/users");
    expect(created.status).toBe(201);
    return (await db().selectFrom("users").select("id").where("email_normalized", "=", email).executeTakeFirstOrThrow()).id;
  }
  const act = (client: HttpClient, userId: string, action: "resend" | "revoke", fields: Record<string, string> = {}) => client.submit(LIST, fields, `/admin/users/${userId}/invitation/${action}`);
  const linkRows = (userId: string) => db().selectFrom("one_time_links").selectAll().where("user_id", "=", userId).execute();
  const userExists = async (userId: string) => (await db().selectFrom("users").select("id").where("id", "=", userId).executeTakeFirst()) !== undefined;

  it("lists each invitation not yet accepted: who sent it, when, when it expires, and an expired one as expired", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const old = await invite(admin.client, "old@example.com", "Olga Old");
    ctx.clock.advance(INVITE_TTL_MS + MINUTE_MS);
    admin.client = await ctx.fullSessionClient(admin.user); // the earlier session has long expired
    const sentAt = ctx.clock.nowMs();
    await invite(admin.client, "new@example.com", "Nina New");
    await createInvitedUser(db(), { clock: ctx.clock, random: cryptoRandom, publicUrl: new URL("http://localhost:3000"), portalName: "Gatehouse" }, { inviter: { kind: "cli" }, email: "cli@example.com", displayName: "Cleo Cli", role: "support" });
    const accepted = await invite(admin.client, "done@example.com");
    expect((await choosePassword(ctx.client(), await mailedLinkPath(ctx, "done@example.com", "invite"), PASSWORD)).status).toBe(303);
    const disabled = await invite(admin.client, "off@example.com");
    await db().updateTable("users").set({ disabled_at: ctx.clock.nowMs() }).where("id", "=", disabled).execute();

    const page = await admin.client.get(LIST);
    expect(page.status).toBe(200);
    expect(page.body).toContain("<h1>Users</h1>");
    expect(page.body).toContain('<h2 id="invitations-heading">Pending invitations</h2>');
    expect(page.body).toContain('<a href="/admin/users/invitations" aria-current="page">Pending invitations (3)</a>');
    expect(page.body).toContain("Pending invitations 1–3 of 3");
    const rows = listedRows(page.body);
    expect(rows.map((row) => row.Email)).toEqual(["cli@example.com", "new@example.com", "old@example.com"]);
    expect(rows[0]).toMatchObject({ Name: "Cleo Cli", Role: "Support agent", "Invited by": "Command line (CLI)" });
    expect(rows[1]).toMatchObject({ Name: "Nina New", "Invited by": "Ada Admin (ada@staff.example)", Sent: "2026-12-02 09:01 UTC", Expires: "2026-12-05 09:01 UTC", Actions: "Resend invitation Revoke invitation" });
    expect(new Date(sentAt).toISOString().slice(0, 16)).toBe("2026-12-02T09:01");
    expect(rows[2]).toMatchObject({ id: old, Expires: "Expired 2026-12-02 09:00 UTC", Actions: "Resend invitation Revoke invitation" });
    expect(rows.map((row) => row.id)).not.toContain(accepted);
    // The tab shows on the Users page too.
    expect((await admin.client.get("/admin/users")).body).toContain('<a href="/admin/users/invitations">Pending invitations (3)</a>');
  });

  it("Resend invitation e-mails a new link, the old one stops working at once, the new one works; audited", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const ivy = await invite(admin.client, "ivy@example.com");
    const oldLink = await mailedLinkPath(ctx, "ivy@example.com", "invite");
    ctx.clock.advance(INVITE_TTL_MS); // expired: "Resend invitation" is the way out
    admin.client = await ctx.fullSessionClient(admin.user);
    const resent = await act(admin.client, ivy, "resend");
    expect(resent.status).toBe(303);
    expect(resent.location).toBe(LIST);
    expect((await admin.client.get(LIST)).body).toContain("A new invitation was e-mailed to ivy@example.com. The link sent before no longer works.");
    const newLink = await mailedLinkPath(ctx, "ivy@example.com", "invite");
    expect(newLink).not.toBe(oldLink);
    const gone = await ctx.client().get(oldLink);
    expect(gone.status).toBe(410);
    expect(gone.body).toContain(INVITATION_MESSAGES.inviteUsed);
    expect((await linkRows(ivy)).map((row) => row.expires_at)).toEqual([ctx.clock.nowMs() + INVITE_TTL_MS]);
    expect((await choosePassword(ctx.client(), newLink, PASSWORD)).location).toBe("/two-factor");
    const [audit] = await auditRowsOfType(ctx, "invitation.resent");
    expect(audit).toMatchObject({ actor_user_id: admin.user.id, subject_user_id: ivy, detail: { via: "console" } });
    expect(await auditRowsOfType(ctx, "invitation.resent")).toHaveLength(1);
    // Accepted now: a late press (from a page loaded before) changes nothing and says why.
    const late = await act(admin.client, ivy, "resend");
    expect(late.location).toBe(LIST);
    expect((await admin.client.get(LIST)).body).toContain("Ivy Invited has no pending invitation");
    expect((await linkRows(ivy)).every((row) => row.used_at !== null)).toBe(true);
    expect(await auditRowsOfType(ctx, "invitation.resent")).toHaveLength(1);
  });

  it(`resends to one address at most ${RESEND_LIMIT_PER_HOUR} times an hour; the refused one changes nothing`, async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const ivy = await invite(admin.client, "ivy@example.com");
    for (let i = 0; i < RESEND_LIMIT_PER_HOUR; i += 1) expect((await act(admin.client, ivy, "resend")).status).toBe(303);
    const lastLink = await mailedLinkPath(ctx, "ivy@example.com", "invite");
    ctx.clock.advance(10 * MINUTE_MS);
    const refused = await act(admin.client, ivy, "resend");
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe(String(50 * 60));
    expect(refused.body).toContain(`The invitation to ivy@example.com was already sent ${RESEND_LIMIT_PER_HOUR} times in the last hour. Try again in 50 minutes.`);
    expect(await mailedLinkPath(ctx, "ivy@example.com", "invite")).toBe(lastLink);
    expect((await ctx.client().get(lastLink)).status).toBe(200);
    ctx.clock.advance(50 * MINUTE_MS);
    admin.client = await ctx.fullSessionClient(admin.user);
    expect((await act(admin.client, ivy, "resend")).status).toBe(303);
  });

  it("Revoke invitation asks first; then the link refuses at once, the unused account is gone, the address can be invited again; audited", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const ivy = await invite(admin.client, "ivy@example.com");
    const link = await mailedLinkPath(ctx, "ivy@example.com", "invite");
    const asked = await act(admin.client, ivy, "revoke", { page: "2" });
    expect(asked.status).toBe(200);
    expect(asked.body).toContain("<h1>Revoke the invitation to ivy@example.com?</h1>");
    expect(asked.body).toContain('<a href="/admin/users/invitations?page=2">Cancel</a>');
    expect(asked.body).toContain('<input type="hidden" name="page" value="2">');
    expect((await ctx.client().get(link)).status).toBe(200);

    const done = await admin.client.postForm(`/admin/users/${ivy}/invitation/revoke`, { _csrf: csrfTokenOf(asked.body), confirm: "yes", page: "2" });
    expect(done.status).toBe(303);
    expect(done.location).toBe(`${LIST}?page=2`);
    expect((await admin.client.get(LIST)).body).toContain("The invitation to ivy@example.com was revoked");
    const refused = await ctx.client().get(link);
    expect(refused.status).toBe(410);
    expect(refused.body).toContain(INVITATION_MESSAGES.inviteUsed);
    expect((await ctx.client().submit("/login", { password: PASSWORD, confirm: PASSWORD }, link)).status).toBe(410);
    expect(await userExists(ivy)).toBe(false);
    const [audit] = await auditRowsOfType(ctx, "invitation.revoked");
    expect(audit).toMatchObject({ actor_user_id: admin.user.id, subject_user_id: ivy, detail: { via: "console", email: "ivy@example.com", name: "Ivy Invited", role: "client" } });
    expect((await admin.client.get(`/admin/users/${ivy}`)).status).toBe(404);
    await invite(admin.client, "ivy@example.com");
  });

  it("an invitation already accepted is not revoked", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const ivy = await invite(admin.client, "ivy@example.com");
    const asked = await act(admin.client, ivy, "revoke");
    await choosePassword(ctx.client(), await mailedLinkPath(ctx, "ivy@example.com", "invite"), PASSWORD);
    const late = await admin.client.postForm(`/admin/users/${ivy}/invitation/revoke`, { _csrf: csrfTokenOf(asked.body), confirm: "yes" });
    expect(late.location).toBe(LIST);
    expect(await userExists(ivy)).toBe(true);
    expect(await auditRowsOfType(ctx, "invitation.revoked")).toEqual([]);
  });

  it("an invitation accepted while it is revoked or resent: exactly one of them happens, and no link is left for an account in use", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    for (const [i, action] of (["revoke", "resend", "revoke", "resend"] as const).entries()) {
      const email = `race${i}@example.com`;
      const userId = await invite(admin.client, email);
      const link = await mailedLinkPath(ctx, email, "invite");
      const invitee = ctx.client();
      const page = await invitee.get(link);
      const form = await admin.client.get(LIST);
      const [accepted, acted] = await Promise.all([
        invitee.postForm(link, { _csrf: csrfTokenOf(page.body), password: PASSWORD, confirm: PASSWORD }),
        admin.client.postForm(`/admin/users/${userId}/invitation/${action}`, { _csrf: csrfTokenOf(form.body), confirm: "yes" }),
      ]);
      expect([303, 410], action).toContain(accepted.status);
      expect(acted.status, action).toBe(303);
      const row = await db().selectFrom("users").select("password_hash").where("id", "=", userId).executeTakeFirst();
      const unused = (await linkRows(userId)).filter((link) => link.used_at === null);
      if (accepted.status === 303) {
        expect(row?.password_hash, action).toBeTruthy();
        expect(unused, action).toEqual([]);
      } else {
        expect(action === "revoke" ? row : row?.password_hash, action).toBeFalsy();
      }
    }
  });

  it("both actions need the form's CSRF token, an administrator, a known user and only their own fields", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const support = await staffWithPassword(ctx, "support", "Sam Support");
    const client = await ctx.fullSessionClient(await ctx.createUser());
    const ivy = await invite(admin.client, "ivy@example.com");
    const before = await linkRows(ivy);
    for (const action of ["resend", "revoke"] as const) {
      const path = `/admin/users/${ivy}/invitation/${action}`;
      expect((await admin.client.postForm(path, { confirm: "yes" })).status, action).toBe(403);
      expect((await admin.client.postForm(path, { _csrf: "forged", confirm: "yes" })).status, action).toBe(403);
      const agent = await support.client.get(LIST);
      expect(agent.body).not.toContain("Resend invitation");
      expect(agent.body).toContain("Only an administrator can resend or revoke invitations.");
      const refused = await support.client.postForm(path, { _csrf: csrfTokenOf(agent.body), confirm: "yes" });
      expect(refused.status, action).toBe(403);
      expect(refused.body).toContain("Administrators only");
      await expectNotFoundPage(ctx, await client.submit("/", { confirm: "yes" }, path));
      expect((await act(admin.client, "0".repeat(32), action, { confirm: "yes" })).status).toBe(404);
      const extra = await act(admin.client, ivy, action, { confirm: "yes", role: "admin" });
      expect(extra.status).toBe(400);
      expect(extra.body).toContain("The form has a field it should not have: role.");
      expect((await act(admin.client, ivy, action, { page: "-1" })).status).toBe(400);
    }
    expect(await linkRows(ivy)).toEqual(before);
    expect([...(await auditRowsOfType(ctx, "invitation.resent")), ...(await auditRowsOfType(ctx, "invitation.revoked"))]).toEqual([]);
    // Nobody resends or revokes an invitation to their own account (an administrator without a password yet).
    const fresh = await staffWithPassword(ctx, "admin", "Fay Fresh");
    await db().updateTable("users").set({ password_hash: null }).where("id", "=", fresh.user.id).execute();
    expect((await act(fresh.client, fresh.user.id, "revoke", { confirm: "yes" })).status).toBe(403);
    expect((await act(fresh.client, fresh.user.id, "resend")).status).toBe(403);
    expect(await userExists(fresh.user.id)).toBe(true);
  });
});
