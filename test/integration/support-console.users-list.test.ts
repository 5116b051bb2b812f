import { describe, expect, it } from "vitest";
import { expectNotFoundPage, h1Count } from "../support/admin.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { insertUsers, linkNamed, listedEmails, listedRows, staffWithPassword } from "../support/users-list.ts";

describe.each(TEST_DIALECTS)("support console: the Users page (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  it("lists every user 50 a page in e-mail order, with the range and Previous/Next page links", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    // 119 clients and the administrator: 120 users, pages of 50, 50 and 20.
    await insertUsers(ctx, Array.from({ length: 119 }, (_, i) => ({ email: `c${String(119 - i).padStart(3, "0")}@example.com` })));

    const first = await admin.client.get("/admin/users");
    expect(first.status).toBe(200);
    expect(h1Count(first.body)).toBe(1);
    expect(first.body).toContain("<h1>Users</h1>");
    expect(first.body).toContain("Users 1–50 of 120");
    expect(listedRows(first.body)).toHaveLength(50);
    // "Next page" continues after the page's last row (its id: no address in the URL).
    const lastOfFirst = listedRows(first.body).at(-1)!.id;
    expect(linkNamed(first.body, "Next page")).toBe(`/admin/users?after=${lastOfFirst}`);
    expect(linkNamed(first.body, "Previous page")).toBeNull();

    const second = await admin.client.get(linkNamed(first.body, "Next page")!);
    expect(second.body).toContain("Users 51–100 of 120");
    expect(listedRows(second.body)).toHaveLength(50);
    const third = await admin.client.get(linkNamed(second.body, "Next page")!);
    expect(third.body).toContain("Users 101–120 of 120");
    expect(listedRows(third.body)).toHaveLength(20);
    expect(linkNamed(third.body, "Next page")).toBeNull();

    const all = [first, second, third].flatMap((page) => listedEmails(page.body));
    expect(new Set(all).size).toBe(120);
    expect(all).toEqual([...all].sort());
    expect(all[0]).toBe("ada@staff.example");

    // "Previous page" goes back to exactly the page before, twice over.
    const back = await admin.client.get(linkNamed(third.body, "Previous page")!);
    expect(listedEmails(back.body)).toEqual(listedEmails(second.body));
    const start = await admin.client.get(linkNamed(back.body, "Previous page")!);
    expect(listedEmails(start.body)).toEqual(listedEmails(first.body));
    expect(start.body).toContain("Users 1–50 of 120");

    // A page number (typed or bookmarked) works too; past the end it shows the last page.
    expect(listedEmails((await admin.client.get("/admin/users?page=2")).body)).toEqual(listedEmails(second.body));
    const beyond = await admin.client.get("/admin/users?page=1000000");
    expect(beyond.status).toBe(200);
    expect(beyond.body).toContain("Users 101–120 of 120");
  });

  it("a page that continues from a row removed since starts again at the first page", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const ids = await insertUsers(ctx, Array.from({ length: 60 }, (_, i) => ({ email: `u${String(i).padStart(2, "0")}@example.com` })));
    await ctx.testDb.database.db.deleteFrom("users").where("id", "=", ids[10]!).execute();
    for (const query of [`after=${ids[10]}`, `before=${ids[10]}`, `before=${ids[20]}`]) {
      const page = await admin.client.get(`/admin/users?${query}`);
      expect(page.status, query).toBe(200);
      expect(page.body, query).toContain("Users 1–50 of 60");
    }
  });

  it("each row shows name, e-mail, role, status, the two-factor method and the last sign-in, and links to the user's page", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const signedInAt = Date.UTC(2026, 0, 15, 9, 30);
    const [carolId] = await insertUsers(ctx, [
      { email: "carol@example.com", name: "Carol <Client>", method: "totp", lastSignInAt: signedInAt },
      { email: "dora@example.com", method: "sms", disabled: true },
      { email: "ivy@example.com", password: false },
      { email: "pat@example.com", method: "webauthn", role: "support" },
    ]);
    const page = await admin.client.get("/admin/users");
    const rows = Object.fromEntries(listedRows(page.body).map((row) => [row.Email, row]));
    expect(rows["carol@example.com"]).toEqual({ id: carolId, Name: "Carol &lt;Client&gt;", Email: "carol@example.com", Role: "Client", Status: "Active", "Two-factor": "Authenticator app", "Last sign-in": "2026-01-15 09:30 UTC" });
    expect(page.body).toContain('<time datetime="2026-01-15T09:30:00.000Z">');
    expect(rows["dora@example.com"]).toMatchObject({ Status: "Disabled", "Two-factor": "SMS", "Last sign-in": "Never" });
    expect(rows["ivy@example.com"]).toMatchObject({ Status: "Invited (no password yet)", "Two-factor": "Not set up" });
    expect(rows["pat@example.com"]).toMatchObject({ Role: "Support agent", "Two-factor": "Passkey" });
    expect((await admin.client.get(`/admin/users/${carolId}`)).body).toContain("<h1>Carol &lt;Client&gt;</h1>");
    // Every row's link works, a passkey user's included (their page named no method and failed before).
    for (const row of listedRows(page.body)) expect((await admin.client.get(`/admin/users/${row.id}`)).status, row.Email).toBe(200);
    expect((await admin.client.get(`/admin/users/${rows["pat@example.com"]!.id}`)).body).toContain("<dt>Active method</dt><dd>Security key or passkey</dd>");
    // The console's front page links here.
    expect((await admin.client.get("/admin")).body).toContain('<a href="/admin/users" class="button-secondary">Users</a>');
  });

  it("filters by role, status and two-factor, alone and together, as a plain GET form", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    await insertUsers(ctx, [
      { email: "clientapp@example.com", method: "totp" },
      { email: "clientnone@example.com" },
      { email: "clientoff@example.com", method: "sms", disabled: true },
      { email: "clientinvited@example.com", password: false },
      { email: "supportsms@example.com", role: "support", method: "sms" },
      { email: "supportoff@example.com", role: "support", disabled: true },
      { email: "adminkey@example.com", role: "admin", method: "webauthn" },
    ]);
    const form = (await admin.client.get("/admin/users")).body;
    expect(form).toMatch(/<form method="get" action="\/admin\/users"[^>]*>/);
    for (const label of ["Role", "Status", "Two-factor"]) expect(form).toMatch(new RegExp(`<label for="field-[a-z_]+">${label}</label>`));
    for (const value of ["client", "support", "admin"]) expect(form).toContain(`<option value="${value}">`);
    expect(form).toContain(">Apply filters</button>");

    const cases: [string, string[]][] = [
      ["role=client", ["clientapp", "clientinvited", "clientnone", "clientoff"]],
      ["role=support", ["supportoff", "supportsms"]],
      ["role=admin", ["ada", "adminkey"]],
      ["status=active", ["ada", "adminkey", "clientapp", "clientnone", "supportsms"]],
      ["status=invited", ["clientinvited"]],
      ["status=disabled", ["clientoff", "supportoff"]],
      ["two_factor=set_up", ["adminkey", "clientapp", "clientoff", "supportsms"]],
      ["two_factor=not_set_up", ["ada", "clientinvited", "clientnone", "supportoff"]],
      ["role=client&status=active&two_factor=not_set_up", ["clientnone"]],
      ["role=client&two_factor=set_up", ["clientapp", "clientoff"]],
      ["role=support&status=disabled", ["supportoff"]],
      ["role=all&status=all&two_factor=all", ["ada", "adminkey", "clientapp", "clientinvited", "clientnone", "clientoff", "supportoff", "supportsms"]],
    ];
    for (const [query, expected] of cases) {
      const page = await admin.client.get(`/admin/users?${query}`);
      expect(page.status, query).toBe(200);
      expect(listedEmails(page.body).map((email) => email.split("@")[0]), query).toEqual(expected);
      expect(page.body, query).toContain(`Users 1–${expected.length} of ${expected.length}`);
    }
    const chosen = await admin.client.get("/admin/users?role=support&status=disabled");
    expect(chosen.body).toContain('<option value="support" selected>');
    expect(chosen.body).toContain('<option value="disabled" selected>');
    const none = await admin.client.get("/admin/users?role=admin&status=disabled");
    expect(none.body).toContain("No users match these filters.");
    expect(listedRows(none.body)).toEqual([]);
  });

  it("the pager keeps the filters", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    await insertUsers(ctx, Array.from({ length: 60 }, (_, i) => ({ email: `x${String(i).padStart(2, "0")}@example.com`, method: i % 2 ? "totp" : undefined })));
    await insertUsers(ctx, Array.from({ length: 60 }, (_, i) => ({ email: `y${String(i).padStart(2, "0")}@example.com`, method: i % 2 ? "totp" : undefined })));
    const first = await admin.client.get("/admin/users?role=client&two_factor=set_up");
    expect(first.body).toContain("Users 1–50 of 60");
    const next = linkNamed(first.body, "Next page");
    expect(next).toBe(`/admin/users?role=client&two_factor=set_up&after=${listedRows(first.body).at(-1)!.id}`);
    const second = await admin.client.get(next!);
    expect(second.body).toContain("Users 51–60 of 60");
    expect(listedEmails(second.body)).toEqual(Array.from({ length: 10 }, (_, i) => `y${41 + 2 * i}@example.com`));
  });

  it("a bad filter or page number gets a 400 page saying what is wrong, never a 500", async () => {
    const admin = await staffWithPassword(ctx, "admin", "Ada Admin");
    const cases: [string, string][] = [
      ["role=root", "Role must be one of: All roles, Client, Support agent, Administrator."],
      ["role=", "Role must be one of:"],
      ["status=gone", "Status must be one of: All, Active, Invited (no password yet), Disabled."],
      ["two_factor=yes", "Two-factor must be one of: All, Set up, Not set up."],
      ["role=client&role=admin", "Role must be one of:"],
      ["page=-1", "The page number must be a whole number from 1 to 1,000,000."],
      ["page=0", "The page number must be"],
      ["page=abc", "The page number must be"],
      ["page=1.5", "The page number must be"],
      ["page=1e3", "The page number must be"],
      ["page=", "The page number must be"],
      ["page=1000001", "The page number must be"],
      ["page=99999999999999999999999999", "The page number must be"],
      ["page=%00", "The page number must be"],
      ["sort=name", "The Users page has no setting called sort."],
      ["after=user@example.com", "That page address is not one this portal made."],
      ["before=1", "That page address is not one this portal made."],
      [`after=${"a".repeat(32)}&page=2`, "Ask for a page with one of page, after or before, not several."],
    ];
    for (const [query, message] of cases) {
      for (const path of ["/admin/users", "/admin/users/invitations"]) {
        const response = await admin.client.get(`${path}?${query}`);
        const pageOnly = path.endsWith("invitations") && /^(role|status|two_factor)=/.test(query);
        expect(response.status, `${path}?${query}`).toBe(400);
        expect(response.body, `${path}?${query}`).toContain(pageOnly ? "The Users page has no setting called" : message);
        expect(response.body).toContain("<title>Error: ");
      }
    }
  });

  it("support agents and administrators see it; a client gets the portal's page-not-found, a signed-out visitor the sign-in page", async () => {
    const support = await staffWithPassword(ctx, "support", "Sam Support");
    expect((await support.client.get("/admin/users")).status).toBe(200);
    expect((await support.client.get("/admin")).body).toContain('<a href="/admin/users" class="button-secondary">Users</a>');
    const client = await ctx.fullSessionClient(await ctx.createUser());
    for (const path of ["/admin/users", "/admin/users/invitations", "/admin/users?page=2"]) {
      await expectNotFoundPage(ctx, await client.get(path));
      const anonymous = await ctx.client().get(path);
      expect(anonymous.status).toBe(303);
      expect(anonymous.location).toBe("/login");
    }
  });
});
