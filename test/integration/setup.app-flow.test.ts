import { describe, expect, it } from "vitest";
import { totpSecretToBase32 } from "../../src/auth/totp.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { startAppSetup, totpCodeAt } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("authenticator app set-up (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  it("a first sign-in goes from the QR code to the dashboard with the confirmation", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const client = await ctx.signInWithPassword(user.email);
    const options = await client.get("/two-factor/setup");
    expect(options.body).toContain("<h1>Manage Two-Factor Login</h1>");
    expect(options.body).toMatch(/>Authenticator app<\/button>/);
    expect(options.body).toMatch(/>SMS<\/button>/);

    const secret = await startAppSetup(client);
    expect(secret).toHaveLength(20);
    const page = await client.get("/two-factor/setup/app");
    expect(page.body).toContain('aria-label="QR code for authenticator app"');
    expect(page.body).toContain("Can't scan? Enter this key");
    expect(page.body).toMatch(/<label for="field-code">Six-digit code<\/label>/);
    expect(page.body).toContain('autocomplete="one-time-code"');
    expect(page.body).toContain('inputmode="numeric"');

    const done = await client.submit("/two-factor/setup/app", { code: totpCodeAt(secret, ctx.clock.nowMs()) }, "/two-factor/setup/app/verify");
    expect(done.status).toBe(303);
    expect(done.location).toBe("/");
    const dashboard = await client.get("/");
    expect(dashboard.status).toBe(200);
    expect(dashboard.body).toMatch(/<div role="status"[^>]*>Two-factor authentication is set up/);
    expect(dashboard.body).toContain("Authenticator app");
    // The confirmation is shown once.
    expect((await client.get("/")).body).not.toContain("Two-factor authentication is set up");
  });

  it("stores the secret encrypted, never in the clear", async () => {
    const user = await ctx.createUser();
    const client = await ctx.signInWithPassword(user.email);
    const secret = await startAppSetup(client);
    const rows = await ctx.testDb.database.db.selectFrom("second_factors").selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.status).toBe("pending");
    expect(rows[0]!.totp_secret_enc).toMatch(/^v1\.k1\./);
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(secret.toString("hex"));
    expect(dump).not.toContain(totpSecretToBase32(secret));
    expect(dump).not.toContain(secret.toString("base64"));
  });
});
