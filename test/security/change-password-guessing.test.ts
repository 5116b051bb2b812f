import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PASSWORD_FAILURES } from "../../src/auth/lockout.ts";
import { createTestContext, TEST_PASSWORD, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";

const NEW_PASSWORD = "a brand new passphrase for guessing";

describe.each(TEST_DIALECTS)("'Change password' and wrong current passwords (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  it("a session guessing its current password is stopped after 10 wrong tries in 15 minutes, even with the right one, and each wrong try is audited", async () => {
    const user = await ctx.createUser();
    const client = await ctx.fullSessionClient(user);
    const statuses: number[] = [];
    for (let i = 0; i < PASSWORD_FAILURES.limit; i += 1) {
      statuses.push((await client.submit("/account/password", { current: `guess number ${i}`, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status);
    }
    expect(statuses.every((status) => status === 400)).toBe(true);
    const locked = await client.submit("/account/password", { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(locked.status).toBe(429);
    const row = await ctx.testDb.database.db.selectFrom("users").select("password_hash").where("id", "=", user.id).executeTakeFirstOrThrow();
    expect(row.password_hash).toBe(user.password_hash);

    const audited = await ctx.testDb.database.db.selectFrom("audit_events").select("type").where("subject_user_id", "=", user.id).where("type", "=", "password.change_failed").execute();
    expect(audited).toHaveLength(PASSWORD_FAILURES.limit);
    // The same lock as the sign-in's password step.
    expect((await ctx.client().submit("/login", { email: user.email, password: TEST_PASSWORD })).status).not.toBe(303);
  });

  it("the right current password goes through and does not count as a failure", async () => {
    const user = await ctx.createUser();
    const client = await ctx.fullSessionClient(user);
    expect((await client.submit("/account/password", { current: "one wrong guess", password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(400);
    expect((await client.submit("/account/password", { current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).location).toBe("/");
  });
});
