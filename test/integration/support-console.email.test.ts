import { describe, expect, it } from "vitest";
import { auditRowsOfType, staffClient, submitOnUserPage, userRow } from "../support/admin.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf } from "../support/http-client.ts";
import { mailedLinkPath } from "../support/mailed-links.ts";

const NOTICE_TO_NEW = "The e-mail address of your account was changed by an administrator.";

describe.each(TEST_DIALECTS)("support console: administrators change a user's email (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const changeEmail = (client: Awaited<ReturnType<typeof staffClient>>["client"], userId: string, email: string) => submitOnUserPage(client, userId, "email", { email });
  const queuedMail = () => ctx.testDb.database.db.selectFrom("outgoing_mail").select("id").execute();

  it("the new address signs in and gets the security notice, the old one a short notice without links; sessions stay, reset links end; audited", async () => {
    const admin = await staffClient(ctx, "admin");
    const target = await ctx.createUser({ email: "old@example.com", name: "Otto Moved" });
    const targetBrowser = await ctx.fullSessionClient(target);
    await ctx.client().submit("/forgot-password", { email: "old@example.com" });
    const resetPath = await mailedLinkPath(ctx, "old@example.com", "reset-password");
    const page = await admin.client.get(`/admin/users/${target.id}`);
    expect(page.body).toContain('<h2 id="email-heading">Email address</h2>');
    expect(page.body).toContain('<label for="field-email">Email</label>');
    expect(page.body).toContain('value="old@example.com"');
    expect(page.body).toContain(">Change email</button>");

    const changed = await changeEmail(admin.client, target.id, "  New.Address@Example.com ");
    expect(changed.location).toBe(`/admin/users/${target.id}`);
    const shown = await admin.client.get(`/admin/users/${target.id}`);
    expect(shown.body).toContain("Otto Moved now signs in with New.Address@Example.com.");
    expect(shown.body).toContain("<dt>Email</dt><dd>New.Address@Example.com</dd>");
    expect(shown.body).toContain("old@example.com → New.Address@Example.com");
    expect(await userRow(ctx, target.id)).toMatchObject({ email: "New.Address@Example.com", email_normalized: "new.address@example.com" });
    const [audit] = await auditRowsOfType(ctx, "user.email_changed");
    expect(audit).toMatchObject({ actor_user_id: admin.user.id, subject_user_id: target.id, ip: "127.0.0.1", detail: { via: "console", from: "old@example.com", to: "New.Address@Example.com" } });

    expect((await ctx.client().get(resetPath)).status, "a reset link mailed to the old address").toBe(410);
    const home = await targetBrowser.get("/");
    expect(home.status).toBe(200);
    expect(home.body).toContain("Otto Moved");
    await ctx.flushMail();
    expect(ctx.outbox.latestTo("New.Address@Example.com")?.body).toContain(NOTICE_TO_NEW);
    const old = ctx.outbox.latestTo("old@example.com");
    expect(old?.subject).toBe("Gatehouse: your e-mail address was changed");
    expect(old?.body).toContain("An administrator changed the e-mail address of your Gatehouse account.");
    expect(old?.body).not.toMatch(/https?:|www\.|New\.Address|new\.address/i);
    expect(ctx.outbox.list().filter((mail) => mail.channel === "mail")).toHaveLength(3); // the reset link, and the two notices

    expect((await ctx.client().submit("/login", { email: "new.address@example.com", password: TEST_PASSWORD })).status).toBe(303);
    expect((await ctx.client().submit("/login", { email: "old@example.com", password: TEST_PASSWORD })).status).toBe(401);
  });

  it("an invalid address is a 400 and a taken one (in any case) a 409, next to the field; the same address changes nothing", async () => {
    const admin = await staffClient(ctx, "admin");
    const target = await ctx.createUser({ email: "tess@example.com", name: "Tess" });
    await ctx.createUser({ email: "Taken@Example.com" });
    const refused: [string, number, string][] = [
      ["not-an-email", 400, "Enter a valid email address."],
      ["   ", 400, "Enter a valid email address."],
      [`${"a".repeat(250)}@example.com`, 400, "Email must be 254 characters or fewer."],
      ["taken@EXAMPLE.com", 409, "Another user already has this email address."],
    ];
    for (const [email, status, message] of refused) {
      const response = await changeEmail(admin.client, target.id, email);
      expect(response.status, email).toBe(status);
      expect(response.body).toContain(`<p class="error" id="field-email-error">${message}</p>`);
      expect(response.body).toMatch(/id="field-email"[^>]*aria-invalid="true"/);
    }
    const extra = await submitOnUserPage(admin.client, target.id, "email", { email: "x@example.com", role: "admin" });
    expect(extra.status).toBe(400);
    expect(extra.body).toContain("The form has a field it should not have: role.");

    expect((await changeEmail(admin.client, target.id, "tess@example.com")).location).toBe(`/admin/users/${target.id}`);
    expect((await admin.client.get(`/admin/users/${target.id}`)).body).toContain("Tess already had that email address.");
    expect((await userRow(ctx, target.id)).email).toBe("tess@example.com");
    expect(await auditRowsOfType(ctx, "user.email_changed")).toEqual([]);
    expect(await queuedMail()).toEqual([]);

    // Only the case of the address: a change (the user sees it), under the same unique key.
    expect((await changeEmail(admin.client, target.id, "Tess@Example.com")).location).toBe(`/admin/users/${target.id}`);
    expect(await userRow(ctx, target.id)).toMatchObject({ email: "Tess@Example.com", email_normalized: "tess@example.com" });
  });

  it("two administrators giving two users the same address at once: exactly one wins, the other gets 409", async () => {
    const [first, second] = [await staffClient(ctx, "admin", "Ada One"), await staffClient(ctx, "admin", "Ada Two")];
    const [a, b] = [await ctx.createUser(), await ctx.createUser()];
    const tokens = await Promise.all([first.client.get(`/admin/users/${a.id}`), second.client.get(`/admin/users/${b.id}`)]);
    const answers = await Promise.all([
      first.client.postForm(`/admin/users/${a.id}/email`, { _csrf: csrfTokenOf(tokens[0].body), email: "shared@example.com" }),
      second.client.postForm(`/admin/users/${b.id}/email`, { _csrf: csrfTokenOf(tokens[1].body), email: "Shared@Example.com" }),
    ]);
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409]);
    const owners = await ctx.testDb.database.db.selectFrom("users").select("id").where("email_normalized", "=", "shared@example.com").execute();
    expect(owners).toHaveLength(1);
    expect(await auditRowsOfType(ctx, "user.email_changed")).toHaveLength(1);
  });

  it("only administrators: support sees no form and is refused; a client gets the console's 404", async () => {
    const support = await staffClient(ctx, "support");
    const client = await ctx.createUser({ email: "carl@example.com" });
    const page = await support.client.get(`/admin/users/${client.id}`);
    expect(page.status).toBe(200);
    expect(page.body).not.toContain(">Change email</button>");
    expect((await changeEmail(support.client, client.id, "eve@example.com")).status).toBe(403);
    const self = await ctx.fullSessionClient(client);
    expect((await self.submit("/account/profile", { email: "eve@example.com" }, `/admin/users/${client.id}/email`)).status).toBe(404);
    expect((await userRow(ctx, client.id)).email).toBe("carl@example.com");
    expect(await auditRowsOfType(ctx, "user.email_changed")).toEqual([]);
  });
});
