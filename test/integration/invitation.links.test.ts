import { describe, expect, it } from "vitest";
import { createOneTimeLink, FIRST_ADMIN_TTL_MS, INVITE_TTL_MS } from "../../src/auth/one-time-link.ts";
import { findUserByEmail } from "../../src/auth/user.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { MINUTE_MS } from "../support/fake-clock.ts";
import { useTestContext } from "../support/fixtures.ts";

const NEW_PASSWORD = "a brand new passphrase";

describe.each(TEST_DIALECTS)("one-time account links (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const link = (purpose: "first_admin" | "invite", userId: string | null, ttl: number) =>
    createOneTimeLink(ctx.testDb.database.db, { clock: ctx.clock, random: cryptoRandom }, purpose, userId, ttl);

  describe("first administrator", () => {
    it("the link creates an administrator once, who goes on to two-factor set-up", async () => {
      const token = await link("first_admin", null, FIRST_ADMIN_TTL_MS);
      const client = ctx.client();
      const page = await client.get(`/setup/${token}`);
      expect(page.body).toContain("<h1>Create the administrator account</h1>");
      const response = await client.submit(`/setup/${token}`, { name: "Ada Admin", email: "ada@example.com", password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      expect(response.status).toBe(303);
      expect(response.location).toBe("/two-factor");
      expect((await client.get("/two-factor/setup")).body).toContain("Manage Two-Factor Login");
      const admin = await findUserByEmail(ctx.testDb.database.db, "ada@example.com");
      expect(admin?.role).toBe("admin");
      const again = await ctx.client().get(`/setup/${token}`);
      expect(again.status).toBe(410);
      const replay = await ctx.client().submit("/login", { name: "Eve", email: "eve@example.com", password: NEW_PASSWORD, confirm: NEW_PASSWORD }, `/setup/${token}`);
      expect(replay.status).not.toBe(303);
      expect(await findUserByEmail(ctx.testDb.database.db, "eve@example.com")).toBeUndefined();
    });

    it("bad fields are reported next to each field and nothing is created", async () => {
      const token = await link("first_admin", null, FIRST_ADMIN_TTL_MS);
      const client = ctx.client();
      const response = await client.submit(`/setup/${token}`, { name: " ", email: "not-an-email", password: "short", confirm: "short" });
      expect(response.status).toBe(400);
      expect(response.body).toContain("Enter a valid email address.");
      expect(response.body).toContain("Enter a name of 1 to 100 characters.");
      expect(response.body).toContain("Use at least 8 characters.");
      expect(response.body).toMatch(/aria-describedby="[^"]*field-password-error"/);
      const mismatch = await client.submit(`/setup/${token}`, { name: "Ada", email: "ada@example.com", password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}!` });
      expect(mismatch.body).toContain("The two passwords do not match.");
      expect(await ctx.testDb.database.db.selectFrom("users").selectAll().execute()).toHaveLength(0);
      expect((await ctx.client().get(`/setup/${token}`)).status).toBe(200); // still usable
    });

    it("the link does nothing once any user exists", async () => {
      const token = await link("first_admin", null, FIRST_ADMIN_TTL_MS);
      await ctx.createUser();
      const response = await ctx.client().submit(`/setup/${token}`, { name: "Eve", email: "eve@example.com", password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      expect(response.status).toBe(410);
      expect(await findUserByEmail(ctx.testDb.database.db, "eve@example.com")).toBeUndefined();
    });
  });

  describe("invitation", () => {
    it("the invited user chooses a password, lands in two-factor set-up, and can sign in with it later", async () => {
      const user = await ctx.createUser({ email: "ivy@example.com", password: null });
      const token = await link("invite", user.id, INVITE_TTL_MS);
      const client = ctx.client();
      const page = await client.get(`/invite/${token}`);
      expect(page.body).toContain("<h1>Choose your password</h1>");
      expect(page.body).toContain('<label for="field-password">Password</label>');
      expect(page.body).toContain('<label for="field-confirm">Confirm password</label>');
      const response = await client.submit(`/invite/${token}`, { password: NEW_PASSWORD, confirm: NEW_PASSWORD });
      expect(response.location).toBe("/two-factor");
      expect((await client.get("/")).location).toBe("/two-factor/setup");
      expect((await ctx.client().get(`/invite/${token}`)).body).toContain("Ask your administrator for a new invitation.");
      expect((await ctx.client().submit("/login", { email: "ivy@example.com", password: NEW_PASSWORD })).status).toBe(303);
    });

    it("an expired invitation says so after 72 hours", async () => {
      const user = await ctx.createUser({ password: null });
      const token = await link("invite", user.id, INVITE_TTL_MS);
      ctx.clock.advance(INVITE_TTL_MS - MINUTE_MS);
      expect((await ctx.client().get(`/invite/${token}`)).status).toBe(200);
      ctx.clock.advance(MINUTE_MS);
      const expired = await ctx.client().get(`/invite/${token}`);
      expect(expired.status).toBe(410);
      expect(expired.body).toContain("It has expired.");
    });

    it("an unknown or malformed token is a plain 'no longer works' page", async () => {
      expect((await ctx.client().get(`/invite/${"A".repeat(43)}`)).status).toBe(410);
      expect((await ctx.client().get("/invite/<script>")).status).toBe(410);
    });
  });
});
