import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { findAppByName, hashClientSecret } from "../../src/auth/apps.ts";
import { auditRowsOfType, expectNotFoundPage, h1Count, staffClient } from "../support/admin.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";

const OIDC_APP = { name: "Files", url: "https://files.example.test/", method: "oidc", redirect_uris: "https://files.example.test/callback\r\nhttps://files.example.test/cb2", access: "everyone" };
const PROXY_APP = { name: "Wiki", url: "https://wiki.example.test/", method: "proxy", redirect_uris: "", access: "roles", roles: "support" };

describe.each(TEST_DIALECTS)("console: administrators manage apps (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(() => ctx.close());

  const addApp = (client: HttpClient, fields: Record<string, string>) => client.submit("/admin/apps/new", fields, "/admin/apps");
  const appCount = async () => (await ctx.testDb.database.db.selectFrom("apps").select("id").execute()).length;

  test("an administrator adds an OpenID Connect app and sees its client secret once; adds a reverse-proxied app for chosen roles; both are listed and audited", async () => {
    const admin = await staffClient(ctx, "admin");
    const empty = await admin.client.get("/admin/apps");
    expect(empty.status).toBe(200);
    expect(empty.body).toContain("<h1>Apps</h1>");
    expect(empty.body).toContain('<a href="/admin/apps/new" class="button-secondary">Add app</a>');
    expect((await admin.client.get("/admin")).body).toContain('<a href="/admin/apps" class="button-secondary">Apps</a>');
    expect(empty.body).toContain('<li><a href="/admin/apps">Apps</a></li>');

    const form = await admin.client.get("/admin/apps/new");
    expect(h1Count(form.body)).toBe(1);
    for (const label of ['<label for="field-name">Name</label>', '<label for="field-url">Address</label>', "<legend>Sign-in method</legend>", ">OpenID Connect</label>", ">Reverse proxy</label>", '<label for="field-redirect_uris">Redirect URIs</label>', "<legend>Who may use it</legend>", ">Everyone</label>", ">Add app</button>"]) expect(form.body).toContain(label);

    const created = await addApp(admin.client, OIDC_APP);
    expect(created.status).toBe(201);
    const app = (await findAppByName(ctx.testDb.database.db, "Files"))!;
    const secret = /<dt>Client secret<\/dt><dd><code>([A-Za-z0-9_-]{43})<\/code>/.exec(created.body)?.[1];
    expect(secret).toBeDefined();
    expect(app.client_secret_hash).toBe(hashClientSecret(secret!));
    expect(created.body).toContain(app.client_id!);
    expect(JSON.parse(app.redirect_uris!)).toEqual(["https://files.example.test/callback", "https://files.example.test/cb2"]);
    expect(app.allowed_roles).toBeNull();
    // Never shown again.
    expect((await admin.client.get(`/admin/apps/${app.id}`)).body).not.toContain(secret!);

    expect((await addApp(admin.client, PROXY_APP)).status).toBe(201);
    const wiki = (await findAppByName(ctx.testDb.database.db, "Wiki"))!;
    expect(wiki).toMatchObject({ method: "proxy", host: "wiki.example.test", client_id: null, client_secret_hash: null, allowed_roles: '["support"]' });

    const list = await admin.client.get("/admin/apps");
    expect(list.body).toMatch(/<td><a href="\/admin\/apps\/[^"]+">Files<\/a><\/td><td class="address">https:\/\/files.example.test\/<\/td><td>OpenID Connect<\/td><td>Everyone<\/td>/);
    expect(list.body).toMatch(/>Wiki<\/a><\/td><td class="address">https:\/\/wiki.example.test\/<\/td><td>Reverse proxy<\/td><td>Support agent<\/td>/);
    const audits = await auditRowsOfType(ctx, "app.created");
    expect(audits.map((row) => [row.actor_user_id, row.detail?.app, row.detail?.via])).toEqual([[admin.user.id, "Files", "console"], [admin.user.id, "Wiki", "console"]]);
  });

  test("bad input is refused with the field's message and adds nothing", async () => {
    const admin = await staffClient(ctx, "admin");
    await addApp(admin.client, OIDC_APP);
    const before = await appCount();
    const refused: [Record<string, string>, number, string][] = [
      [{ ...OIDC_APP }, 409, "Another app already has this name."],
      [{ ...OIDC_APP, name: "  " }, 400, "Enter a name of 1 to 100 characters."],
      [{ ...OIDC_APP, name: "X", url: "javascript:alert(1)" }, 400, "Enter an address starting with https:// or http://"],
      [{ ...OIDC_APP, name: "X", url: "https://user:pw@x.example/" }, 400, "Enter an address starting with https:// or http://"],
      [{ ...OIDC_APP, name: "X", redirect_uris: "" }, 400, "Enter at least one redirect URI for an OpenID Connect app."],
      [{ ...OIDC_APP, name: "X", redirect_uris: "https://x.example/cb#frag" }, 400, "Enter each redirect URI as an https:// or http:// address"],
      [{ ...OIDC_APP, name: "X", method: "saml" }, 400, "Choose how the app signs users in."],
      [{ ...PROXY_APP, name: "X", roles: "root" }, 400, "Choose roles from the list."],
      [{ ...PROXY_APP, name: "X", roles: "" }, 400, "Choose roles from the list."],
      [{ name: "X", url: "https://x.example/", method: "proxy", access: "roles" }, 400, "Choose at least one role, or Everyone."],
      [{ ...PROXY_APP, name: "X", client_secret: "mine" }, 400, "The form has a field it should not have: client_secret."],
      [{ ...PROXY_APP, name: "X\u0000" }, 400, "Name contains a character that cannot be used. Retype it and try again."],
    ];
    for (const [fields, status, message] of refused) {
      const response = await addApp(admin.client, fields);
      expect(response.status, JSON.stringify(fields)).toBe(status);
      expect(response.body).toContain(message);
    }
    expect(await appCount()).toBe(before);
  });

  test("an administrator edits an app, makes a new client secret (shown once, the old one stops matching) and removes an app after confirming; each audited", async () => {
    const admin = await staffClient(ctx, "admin");
    await addApp(admin.client, OIDC_APP);
    const app = (await findAppByName(ctx.testDb.database.db, "Files"))!;
    const edit = await admin.client.get(`/admin/apps/${app.id}`);
    expect(edit.body).toContain("<h1>Files</h1>");
    expect(edit.body).toContain(">New client secret</button>");

    const saved = await admin.client.submit(`/admin/apps/${app.id}`, { name: "Files 2", url: "https://files2.example.test/", method: "proxy", redirect_uris: "https://files2.example.test/cb", access: "roles", roles: "client" });
    expect(saved.location).toBe("/admin/apps");
    expect((await admin.client.get("/admin/apps")).body).toContain("Files 2 was saved.");
    const changed = (await findAppByName(ctx.testDb.database.db, "Files 2"))!;
    expect(changed).toMatchObject({ method: "oidc", host: "files2.example.test", client_id: app.client_id, allowed_roles: '["client"]' });

    const fresh = await admin.client.submit(`/admin/apps/${app.id}`, {}, `/admin/apps/${app.id}/secret`);
    expect(fresh.status).toBe(200);
    const secret = /<dt>Client secret<\/dt><dd><code>([A-Za-z0-9_-]{43})<\/code>/.exec(fresh.body)![1]!;
    const rotated = (await findAppByName(ctx.testDb.database.db, "Files 2"))!;
    expect(rotated.client_secret_hash).toBe(hashClientSecret(secret));
    expect(rotated.client_secret_hash).not.toBe(app.client_secret_hash);

    const confirm = await admin.client.get(`/admin/apps/${app.id}/remove`);
    expect(confirm.body).toContain("<h1>Remove Files 2?</h1>");
    expect(confirm.body).toContain(">Remove app</button>");
    expect(await appCount()).toBe(1);
    const removed = await admin.client.submit(`/admin/apps/${app.id}/remove`, {});
    expect(removed.location).toBe("/admin/apps");
    expect(await appCount()).toBe(0);
    expect((await admin.client.get("/admin/apps")).body).toContain("Files 2 was removed.");
    expect((await admin.client.get(`/admin/apps/${app.id}`)).status).toBe(404);
    for (const type of ["app.updated", "app.secret_replaced", "app.removed"]) expect((await auditRowsOfType(ctx, type)).map((row) => row.actor_user_id)).toEqual([admin.user.id]);
  });

  test("every change needs a second factor from the last 5 minutes; support agents are told it is for administrators; clients see no such page", async () => {
    const admin = await staffClient(ctx, "admin");
    ctx.clock.advance(6 * 60_000);
    expect((await admin.client.get("/admin/apps")).status).toBe(200);
    for (const path of ["/admin/apps/new"]) expect((await admin.client.get(path)).location).toBe("/two-factor/step-up?then=apps");
    const page = await admin.client.get("/admin/apps");
    const posted = await admin.client.postForm("/admin/apps", { _csrf: csrfTokenOf(page.body), ...OIDC_APP });
    expect(posted.location).toBe("/two-factor/step-up?then=apps");
    expect(await appCount()).toBe(0);

    const support = await staffClient(ctx, "support");
    const refused = await support.client.get("/admin/apps");
    expect(refused.status).toBe(403);
    expect(refused.body).toContain("Only an administrator can register apps");
    expect((await support.client.get("/admin")).body).not.toContain('href="/admin/apps"');
    const client = await ctx.fullSessionClient(await ctx.createUser());
    await expectNotFoundPage(ctx, await client.get("/admin/apps"));
    await expectNotFoundPage(ctx, await client.get("/admin/apps/new"));
  });
});
