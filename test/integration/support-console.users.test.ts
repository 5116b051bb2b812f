import { describe, expect, it } from "vitest";
import { auditRowsOfType, h1Count, sessionCountOf, staffClient, submitOnUserPage, userRow } from "../support/admin.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";

describe.each(TEST_DIALECTS)("support console: administrators manage users (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const createUser = (client: Awaited<ReturnType<typeof staffClient>>["client"], fields: Record<string, string>) => client.submit("/admin/users/new", fields, "/admin/users");
  const userCount = async () => (await ctx.testDb.database.db.selectFrom("users").select("id").execute()).length;

  it("an administrator creates a user and gets a one-time invitation link; bad input is refused and creates nothing", async () => {
    const admin = await staffClient(ctx, "admin");
    const form = await admin.client.get("/admin/users/new");
    expect(form.status).toBe(200);
    expect(h1Count(form.body)).toBe(1);
    for (const label of ['<label for="field-email">Email</label>', '<label for="field-name">Name</label>', '<label for="field-role">Role</label>', ">Create user</button>"]) expect(form.body).toContain(label);

    const created = await createUser(admin.client, { email: "New.Person@Example.com", name: "New Person", role: "support" });
    expect(created.status).toBe(201);
    expect(created.body).toContain("<h1>User created</h1>");
    const token = /http:\/\/localhost:3000\/invite\/([A-Za-z0-9_-]{43})/.exec(created.body)?.[1];
    expect(token).toBeDefined();
    const row = await ctx.testDb.database.db.selectFrom("users").selectAll().where("email_normalized", "=", "new.person@example.com").executeTakeFirstOrThrow();
    expect(row).toMatchObject({ display_name: "New Person", role: "support", password_hash: null, disabled_at: null });
    const [audit] = await auditRowsOfType(ctx, "user.created");
    expect(audit).toMatchObject({ actor_user_id: admin.user.id, subject_user_id: row.id, detail: { role: "support", via: "console" } });
    expect((await ctx.client().get(`/invite/${token}`)).body).toContain("<h1>Choose your password</h1>");

    const before = await userCount();
    const refused: [Record<string, string>, number, string][] = [
      [{ email: "new.person@example.com", name: "Again", role: "client" }, 409, "A user with this email address already exists."],
      [{ email: "not-an-email", name: "Nobody", role: "client" }, 400, "Enter a valid email address."],
      [{ email: "ok@example.com", name: "   ", role: "client" }, 400, "Enter a name of 1 to 100 characters."],
      [{ email: "ok@example.com", name: "Boss", role: "boss" }, 400, "Choose one of the roles."],
      [{ email: "ok@example.com", name: "Boss" }, 400, "The field role is missing."],
      [{ email: "ok@example.com", name: "Boss", role: "client", password: "x" }, 400, "The form has a field it should not have: password."],
    ];
    for (const [fields, status, message] of refused) {
      const response = await createUser(admin.client, fields);
      expect(response.status, JSON.stringify(fields)).toBe(status);
      expect(response.body).toContain(message);
    }
    expect(await userCount()).toBe(before);
    expect(await auditRowsOfType(ctx, "user.created")).toHaveLength(1);
  });

  it("an administrator disables a user (ending their sessions), enables them again and changes their role; each audited", async () => {
    const admin = await staffClient(ctx, "admin");
    const target = await ctx.createUser({ name: "Tess Target" });
    const targetBrowser = await ctx.fullSessionClient(target);
    const page = await admin.client.get(`/admin/users/${target.id}`);
    expect(page.body).toContain('<h2 id="admin-heading">Administration</h2>');

    const disabled = await submitOnUserPage(admin.client, target.id, "disable", { confirm: "yes" });
    expect(disabled.location).toBe(`/admin/users/${target.id}`);
    expect((await userRow(ctx, target.id)).disabled_at).toBe(ctx.clock.nowMs());
    expect(await sessionCountOf(ctx, target.id)).toBe(0);
    expect((await targetBrowser.get("/")).location).toBe("/login");
    const shown = await admin.client.get(`/admin/users/${target.id}`);
    expect(shown.body).toContain("Tess Target was disabled and signed out everywhere.");
    expect(shown.body).toMatch(/<dt>Status<\/dt><dd>Disabled since/);
    expect(shown.body).toContain(">Enable user</button>");
    expect((await ctx.client().submit("/login", { email: target.email, password: TEST_PASSWORD })).status).toBe(403); // "This account is disabled"

    expect((await submitOnUserPage(admin.client, target.id, "enable", { confirm: "yes" })).location).toBe(`/admin/users/${target.id}`);
    expect((await userRow(ctx, target.id)).disabled_at).toBeNull();

    expect((await submitOnUserPage(admin.client, target.id, "role", { role: "support", confirm: "yes" })).location).toBe(`/admin/users/${target.id}`);
    expect((await userRow(ctx, target.id)).role).toBe("support");
    expect((await (await ctx.fullSessionClient(target)).get("/admin")).status).toBe(200);
    const badRole = await submitOnUserPage(admin.client, target.id, "role", { role: "root" });
    expect(badRole.status).toBe(400);
    expect(badRole.body).toContain("Choose one of the roles.");
    expect((await userRow(ctx, target.id)).role).toBe("support");

    const types = ["user.disabled", "user.enabled", "user.role_changed"];
    for (const type of types) expect((await auditRowsOfType(ctx, type)).map((r) => [r.actor_user_id, r.subject_user_id]), type).toEqual([[admin.user.id, target.id]]);
    expect((await auditRowsOfType(ctx, "user.role_changed"))[0]!.detail).toMatchObject({ from: "client", to: "support" });
    expect((await admin.client.get(`/admin/users/${target.id}`)).body).toContain("Client → Support agent");
  });

  it("an administrator cannot disable themself or change their own role, and support cannot manage users", async () => {
    const admin = await staffClient(ctx, "admin");
    const support = await staffClient(ctx, "support");
    const own = await admin.client.get(`/admin/users/${admin.user.id}`);
    expect(own.body).toContain("You cannot change your own role or disable your own account");
    expect(own.body).not.toContain(">Disable user</button>");
    const token = /name="_csrf" value="([^"]+)"/.exec(own.body)![1]!;
    expect((await admin.client.postForm(`/admin/users/${admin.user.id}/disable`, { _csrf: token })).status).toBe(403);
    expect((await admin.client.postForm(`/admin/users/${admin.user.id}/role`, { _csrf: token, role: "client" })).status).toBe(403);
    expect(await userRow(ctx, admin.user.id)).toMatchObject({ role: "admin", disabled_at: null });

    expect((await support.client.get("/admin/users/new")).status).toBe(403);
    expect((await support.client.get("/admin")).body).not.toContain("Create user");
    expect((await support.client.submit("/admin", { email: "x@example.com", name: "X", role: "admin" }, "/admin/users")).status).toBe(403);
    expect((await support.client.submit("/admin", {}, `/admin/users/${admin.user.id}/disable`)).status).toBe(403);
    expect((await support.client.submit("/admin", { role: "admin" }, `/admin/users/${support.user.id}/role`)).status).toBe(403);
    expect(await userRow(ctx, support.user.id)).toMatchObject({ role: "support" });
    expect(await userRow(ctx, admin.user.id)).toMatchObject({ disabled_at: null });
    for (const type of ["user.created", "user.disabled", "user.role_changed"]) expect(await auditRowsOfType(ctx, type)).toEqual([]);
  });
});
