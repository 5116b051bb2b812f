import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/crypto/hash.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { firstErrorOf } from "../support/page-errors.ts";

describe.each(TEST_DIALECTS)("sign-in with password (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  const sessions = () => ctx.testDb.database.db.selectFrom("sessions").selectAll().execute();

  it("shows the sign-in form with the spec's labels", async () => {
    const page = await ctx.client().get("/login");
    expect(page.status).toBe(200);
    expect(page.body).toContain('<label for="field-email">Email</label>');
    expect(page.body).toContain('<label for="field-password">Password</label>');
    expect(page.body).toMatch(/<button type="submit"[^>]*>Sign in<\/button>/);
    expect(page.body).toContain("<h1>Sign in</h1>");
  });

  it("a correct password opens a pending session whose token is stored only as its SHA-256", async () => {
    const user = await ctx.createUser({ email: "ann@example.com" });
    const client = ctx.client();
    const response = await client.submit("/login", { email: "  ANN@example.com ", password: TEST_PASSWORD });
    expect(response.status).toBe(303);
    expect(response.location).toBe("/two-factor");
    const token = client.cookie("gatehouse_session");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const [session] = await sessions();
    expect(session).toMatchObject({ user_id: user.id, stage: "pending", id: sha256Hex(token!) });
    expect(JSON.stringify(await sessions())).not.toContain(token);
  });

  it("the session cookie is HttpOnly and SameSite=Lax", async () => {
    const user = await ctx.createUser();
    const client = ctx.client();
    const response = await client.submit("/login", { email: user.email, password: TEST_PASSWORD });
    const setCookie = response.headers.getSetCookie().find((c) => c.startsWith("gatehouse_session="));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Lax/);
    expect(setCookie).not.toMatch(/Secure/);
  });

  it("an unknown email and a wrong password get the same answer", async () => {
    await ctx.createUser({ email: "ann@example.com" });
    const wrongPassword = await ctx.client().submit("/login", { email: "ann@example.com", password: "not the password" });
    const unknownEmail = await ctx.client().submit("/login", { email: "nobody@example.com", password: "not the password" });
    expect(wrongPassword.status).toBe(401);
    expect(unknownEmail.status).toBe(401);
    const message = firstErrorOf;
    expect(message(wrongPassword.body)).toBe("The email or password is not correct.");
    expect(message(unknownEmail.body)).toBe(message(wrongPassword.body));
    expect(await sessions()).toHaveLength(0);
  });

  it("a user who has not chosen a password yet, or is disabled, cannot sign in", async () => {
    const invited = await ctx.createUser({ email: "invited@example.com", password: null });
    const disabled = await ctx.createUser({ email: "off@example.com" });
    await ctx.testDb.database.db.updateTable("users").set({ disabled_at: ctx.clock.nowMs() }).where("id", "=", disabled.id).execute();
    expect((await ctx.client().submit("/login", { email: invited.email, password: TEST_PASSWORD })).status).toBe(401);
    // The right password of a disabled account is told so (test/integration/sign-in.messages.test.ts).
    expect((await ctx.client().submit("/login", { email: disabled.email, password: TEST_PASSWORD })).status).toBe(403);
    expect(await sessions()).toHaveLength(0);
  });

  it("empty fields get a message and no lookup", async () => {
    const response = await ctx.client().submit("/login", { email: "", password: "" });
    expect(response.status).toBe(400);
    expect(response.body).toContain("Enter your email and password.");
  });

  it("passwords are never truncated: a 128-character password must match in full", async () => {
    const long = "p".repeat(127) + "x";
    const user = await ctx.createUser({ password: long });
    expect((await ctx.client().submit("/login", { email: user.email, password: "p".repeat(127) + "y" })).status).toBe(401);
    expect((await ctx.client().submit("/login", { email: user.email, password: long })).status).toBe(303);
  });

  it("records sign-in successes and failures in the audit log without the password", async () => {
    const user = await ctx.createUser();
    await ctx.client().submit("/login", { email: user.email, password: "wrong password!" });
    await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD });
    const events = await ctx.testDb.database.db.selectFrom("audit_events").selectAll().where("subject_user_id", "=", user.id).orderBy("at").execute();
    expect(events.map((e) => e.type).sort()).toEqual(["signin.password_failed", "signin.password_succeeded"]);
    expect(JSON.stringify(events)).not.toContain(TEST_PASSWORD);
    expect(JSON.stringify(events)).not.toContain("wrong password!");
  });
});
