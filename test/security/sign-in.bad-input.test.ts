import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BODY_LIMIT_BYTES } from "../../src/server.ts";
import { TEST_PASSWORD } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";
import { csrfTokenOf, type HttpClient } from "../support/http-client.ts";

describe.each(TEST_DIALECTS)("bad input to /login gets a 4xx and changes nothing (%s)", (dialect) => {
  const ctx = useTestContext(dialect);
  let client: HttpClient;
  let csrf: string;
  beforeEach(async () => {
    await ctx.createUser({ email: "ann@example.com" });
    client = ctx.client();
    csrf = csrfTokenOf((await client.get("/login")).body);
  });
  afterEach(async () => {
    expect(await ctx.testDb.database.db.selectFrom("sessions").selectAll().execute()).toHaveLength(0);
  });

  const good = () => ({ _csrf: csrf, email: "ann@example.com", password: "wrong but well-formed" });

  it("an empty body", async () => {
    const response = await client.request("POST", "/login", { body: "", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBe(403); // no CSRF token: refused before anything is read
  });

  it("a body over the limit", async () => {
    const response = await client.postForm("/login", { ...good(), password: "x".repeat(BODY_LIMIT_BYTES + 1) });
    expect(response.status).toBe(413);
    expect(response.body).toContain("Request too large");
  });

  it("a field over its length limit", async () => {
    const response = await client.postForm("/login", { ...good(), email: `${"a".repeat(2000)}@example.com` });
    expect(response.status).toBe(400);
    expect(response.body).toContain("email");
  });

  it("JSON instead of a form", async () => {
    const response = await client.request("POST", "/login", { body: JSON.stringify({ email: "ann@example.com", password: TEST_PASSWORD }), headers: { "content-type": "application/json" } });
    expect(response.status).toBe(415);
    expect(response.body).toContain("application/x-www-form-urlencoded");
  });

  it("no content type at all", async () => {
    const response = await client.request("POST", "/login", { body: "email=ann%40example.com" });
    expect([400, 403, 415]).toContain(response.status);
  });

  it("an unknown field", async () => {
    const response = await client.postForm("/login", { ...good(), role: "admin" });
    expect(response.status).toBe(400);
    expect(response.body).toContain("should not have: role");
  });

  it("a repeated field (wrong type)", async () => {
    const response = await client.postForm("/login", { ...good(), email: ["ann@example.com", "bob@example.com"] });
    expect(response.status).toBe(400);
    expect(response.body).toContain("email");
  });

  it("a missing field", async () => {
    const response = await client.postForm("/login", { _csrf: csrf, email: "ann@example.com" });
    expect(response.status).toBe(400);
    expect(response.body).toContain("The field password is missing.");
  });

  it("a NUL character in a field (PostgreSQL cannot store one; found by the form fuzz)", async () => {
    const response = await client.postForm("/login", { ...good(), email: "\u0000" });
    expect(response.status).toBe(400);
    expect(response.body).toContain("Email contains a character that cannot be used. Retype it and try again.");
  });

  it("malformed percent-encoding", async () => {
    const response = await client.request("POST", "/login", { body: `_csrf=${csrf}&email=%E0%A4%A&password=%`, headers: { "content-type": "application/x-www-form-urlencoded" } });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
  });
});
