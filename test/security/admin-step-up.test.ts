import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditRowsOfType, resetTwoFactorOf, staffClient, submitOnUserPage, userRow } from "../support/admin.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import type { HttpClient } from "../support/http-client.ts";
import { enrollApp, factorStates, signInWithAppCode, totpCodeAt } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("administrator actions need a fresh code, and finish once it is verified (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  /** An administrator with an authenticator app, signed in more than 5 minutes ago. */
  async function staleAdmin() {
    const admin = await ctx.createUser({ role: "admin", name: "Ada Admin" });
    const secret = await enrollApp(ctx, admin.email);
    const client = await signInWithAppCode(ctx, admin.email, secret);
    ctx.clock.advance(6 * MINUTE_MS);
    return { admin, secret, client };
  }

  /** Follows the redirect to the step-up page and enters a fresh code there; returns that POST's answer. */
  async function stepUp(client: HttpClient, secret: Buffer, stepUpUrl: string) {
    ctx.clock.advance(30_000);
    return client.submit(stepUpUrl, { code: totpCodeAt(secret, ctx.clock.nowMs()) });
  }

  const cases = [
    { action: "role", fields: { role: "support", confirm: "yes" }, done: (u: { role: string }) => u.role === "support", flash: "is now a support agent." },
    { action: "email", fields: { email: "new-address@example.com" }, done: (u: { email: string }) => u.email === "new-address@example.com", flash: "now signs in with new-address@example.com" },
    { action: "disable", fields: { confirm: "yes" }, done: (u: { disabled_at: number | null }) => u.disabled_at !== null, flash: "was disabled" },
  ] as const;

  for (const c of cases) {
    it(`"${c.action}" from a session whose code is 6 minutes old changes nothing until a fresh code, then completes without re-typing and says so`, async () => {
      const { secret, client } = await staleAdmin();
      const target = await ctx.createUser({ name: "Carol Client" });
      const asked = await submitOnUserPage(client, target.id, c.action, c.fields);
      expect(asked.status).toBe(303);
      expect(asked.location).toMatch(/^\/two-factor\/step-up\?/);
      expect(asked.location).not.toContain("new-address");
      expect(c.done((await userRow(ctx, target.id)) as never)).toBe(false);

      const finished = await stepUp(client, secret, asked.location!);
      expect(finished.location).toBe(`/admin/users/${target.id}`);
      expect(c.done((await userRow(ctx, target.id)) as never)).toBe(true);
      expect((await client.get(finished.location!)).body).toContain(c.flash);
    });
  }

  it("enable also asks for a fresh code first", async () => {
    const { secret, client } = await staleAdmin();
    const target = await ctx.createUser({ name: "Carol Client" });
    await ctx.testDb.database.db.updateTable("users").set({ disabled_at: ctx.clock.nowMs() }).where("id", "=", target.id).execute();
    const asked = await submitOnUserPage(client, target.id, "enable", { confirm: "yes" });
    expect(asked.location).toMatch(/^\/two-factor\/step-up\?/);
    expect((await userRow(ctx, target.id)).disabled_at).not.toBeNull();
    await stepUp(client, secret, asked.location!);
    expect((await userRow(ctx, target.id)).disabled_at).toBeNull();
  });

  it("a support reset interrupted by the step-up is done once the code is verified, with its confirmation, nothing re-typed", async () => {
    const { secret, client } = await staleAdmin();
    const target = await ctx.createUser({ name: "Carol Client" });
    await enrollApp(ctx, target.email);
    const asked = await resetTwoFactorOf(client, target.id);
    expect(await factorStates(ctx, target.id)).toEqual([["totp", "active"]]);
    const finished = await stepUp(client, secret, asked.location!);
    expect(finished.location).toBe(`/admin/users/${target.id}`);
    expect(await factorStates(ctx, target.id)).toEqual([]);
    expect((await client.get(finished.location!)).body).toContain("Two-factor sign-in of Carol Client was reset.");
    expect(await auditRowsOfType(ctx, "two_factor.support_reset")).toHaveLength(1);
  });

  it("the kept action runs once, re-checks its rights and form when it runs, and is forgotten after the step-up window", async () => {
    const { admin, secret, client } = await staleAdmin();
    const target = await ctx.createUser({ name: "Carol Client" });

    // Kept, then the administrator loses the role before the code: nothing happens.
    const asked = await submitOnUserPage(client, target.id, "role", { role: "admin", confirm: "yes" });
    await ctx.testDb.database.db.updateTable("users").set({ role: "support" }).where("id", "=", admin.id).execute();
    const refused = await stepUp(client, secret, asked.location!);
    expect(refused.status).toBe(403);
    expect((await userRow(ctx, target.id)).role).toBe("client");

    // Single use: the same step-up page again finds nothing to finish.
    await ctx.testDb.database.db.updateTable("users").set({ role: "admin" }).where("id", "=", admin.id).execute();
    const again = await stepUp(client, secret, asked.location!);
    expect(again.location).toBe(`/admin/users/${target.id}`);
    expect((await userRow(ctx, target.id)).role).toBe("client");

    // Kept for the step-up window only.
    ctx.clock.advance(6 * MINUTE_MS);
    const late = await submitOnUserPage(client, target.id, "disable", { confirm: "yes" });
    ctx.clock.advance(6 * MINUTE_MS);
    await stepUp(client, secret, late.location!);
    expect((await userRow(ctx, target.id)).disabled_at).toBeNull();
  });
});
