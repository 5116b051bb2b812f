import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SUPPORT_CONSOLE_MESSAGES } from "../../src/features/support-console/support-console.messages.ts";
import { staffClient, submitOnUserPage, userRow } from "../support/admin.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf } from "../support/http-client.ts";

describe.each(TEST_DIALECTS)("administrators confirm disabling, enabling and role changes (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  it("the first press asks, changes nothing and offers Cancel; the confirmed form does it", async () => {
    const admin = await staffClient(ctx, "admin");
    const target = await ctx.createUser({ name: "Tess Target" });
    const asked = await submitOnUserPage(admin.client, target.id, "disable", {});
    expect(asked.status).toBe(200);
    expect(asked.body).toContain(`<h1>${SUPPORT_CONSOLE_MESSAGES.confirmDisableHeading("Tess Target")}</h1>`);
    expect(asked.body).toContain(`<a href="/admin/users/${target.id}">Cancel</a>`);
    expect((await userRow(ctx, target.id)).disabled_at).toBeNull();
    const done = await admin.client.postForm(`/admin/users/${target.id}/disable`, { _csrf: csrfTokenOf(asked.body), confirm: "yes" });
    expect(done.location).toBe(`/admin/users/${target.id}`);
    expect((await userRow(ctx, target.id)).disabled_at).not.toBeNull();

    const role = await submitOnUserPage(admin.client, target.id, "role", { role: "admin" });
    expect(role.body).toContain("Tess Target changes from Client to Administrator.");
    expect((await userRow(ctx, target.id)).role).toBe("client");
    expect(role.body).toContain('<input type="hidden" name="role" value="admin">');
  });

  it("a refused request's page links back to the page the form was on, never to another site", async () => {
    const client = ctx.client();
    const own = await client.postForm("/login", { email: "a@example.com", password: "x" }, { referer: `${ctx.baseUrl}/login` });
    expect(own.status).toBe(403);
    expect(own.body).toContain('<a href="/login">Go back to the page you were on</a>');
    const foreign = await client.postForm("/login", { email: "a@example.com", password: "x" }, { referer: "https://evil.example/login" });
    expect(foreign.body).toContain('<a href="/">Go to the portal</a>');
  });
});
