import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { RECOVERY_CODE_MESSAGES } from "../../src/features/recovery-codes/recovery-codes.messages.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { codesFromPage, createCodes, signInWithRecoveryCode, unusedCodeCount } from "../support/recovery-codes.ts";
import { auditEventsOf, enrollApp, signInWithAppCode, stepUpWithApp } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("recovery codes (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  async function enrolledWithCodes() {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    const codes = await createCodes(client);
    return { user, secret, client, codes };
  }

  it("creates ten distinct codes of the unambiguous alphabet, shows them once with a download, and stores only hashes", async () => {
    const { user, client, codes } = await enrolledWithCodes();
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5}$/);
    const rows = await ctx.testDb.database.db.selectFrom("recovery_codes").select("code_hash").where("user_id", "=", user.id).execute();
    expect(rows).toHaveLength(10);
    for (const row of rows) expect(row.code_hash).toMatch(/^\$argon2id\$v=19\$m=4096,t=1,p=1\$/);
    const manage = await client.get("/two-factor");
    expect(manage.body).toContain("10 recovery codes left.");
    expect(manage.body).toContain(">Create new recovery codes</button>");
    expect(codesFromPage(manage.body)).toEqual([]);
    const dashboard = await client.get("/");
    expect(dashboard.body).toContain("10 left.");
    await ctx.flushMail();
    expect(ctx.outbox.list().some((entry) => entry.to === user.email && entry.body.includes("A new set of recovery codes was created"))).toBe(true);
  });

  it("the download is a text file holding every code", async () => {
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    const client = await signInWithAppCode(ctx, user.email, secret);
    const response = await client.submit("/two-factor", {}, "/two-factor/recovery-codes");
    const href = /href="data:text\/plain;charset=utf-8,([^"]+)" download="recovery-codes.txt">Download codes</.exec(response.body)?.[1];
    const file = decodeURIComponent(href!.replaceAll("&amp;", "&"));
    for (const code of codesFromPage(response.body)) expect(file).toContain(code);
  });

  it("a code signs in (spaces, dashes and case ignored), is audited and e-mailed, and never works again", async () => {
    const { user, codes } = await enrolledWithCodes();
    const typed = ` ${codes[3]!.toLowerCase().replace("-", " ")} `;
    const first = await signInWithRecoveryCode(ctx, user.email, typed);
    expect(first.response.location).toBe("/");
    expect((await first.client.get("/")).status).toBe(200);
    expect(await unusedCodeCount(ctx, user.id)).toBe(9);
    const sessions = await ctx.testDb.database.db.selectFrom("sessions").select(["second_factor_method", "stage"]).where("user_id", "=", user.id).execute();
    expect(sessions).toContainEqual({ second_factor_method: "recovery_code", stage: "full" });
    expect((await auditEventsOf(ctx, user.id)).map((e) => e.type)).toContain("recovery_code.used");
    await ctx.flushMail();
    expect(ctx.outbox.list().some((entry) => entry.to === user.email && entry.body.includes("One of your recovery codes was used"))).toBe(true);

    const again = await signInWithRecoveryCode(ctx, user.email, codes[3]!);
    expect(again.response.status).toBe(400);
    expect(again.response.body).toContain(RECOVERY_CODE_MESSAGES.wrong);
  });

  it("a recovery code signs in but leaves the method in place", async () => {
    const { user, secret, codes } = await enrolledWithCodes();
    await signInWithRecoveryCode(ctx, user.email, codes[0]!);
    await signInWithAppCode(ctx, user.email, secret);
  });

  it("refuses malformed input without spending a try", async () => {
    const { user } = await enrolledWithCodes();
    const client = await ctx.signInWithPassword(user.email);
    for (const input of ["", "123456", "ABCDE-2345O", "x".repeat(60)]) {
      const response = await client.submit("/two-factor/recovery", { recovery_code: input });
      expect(response.status).toBe(400);
      expect(response.body).toContain(RECOVERY_CODE_MESSAGES.format);
    }
    const attempts = await ctx.testDb.database.db.selectFrom("sessions").select("code_attempts").where("user_id", "=", user.id).executeTakeFirstOrThrow();
    expect(attempts.code_attempts).toBe(0);
  });

  it("the dashboard recommends new codes at two or fewer; new codes void the old set after a step-up", async () => {
    const { user, secret, codes } = await enrolledWithCodes();
    for (const code of codes.slice(0, 8)) expect((await signInWithRecoveryCode(ctx, user.email, code)).response.location).toBe("/");
    const client = await signInWithAppCode(ctx, user.email, secret);
    expect((await client.get("/")).body).toContain("2 left. <a href=\"/two-factor\">Create new recovery codes</a>");
    ctx.clock.advance(5 * 60_000);
    const stale = await client.submit("/two-factor", {}, "/two-factor/recovery-codes");
    expect(stale.location).toBe("/two-factor/step-up?then=recovery-codes");
    const stepped = await stepUpWithApp(ctx, client, secret, "recovery-codes");
    expect(stepped.status).toBe(200);
    const fresh = codesFromPage(stepped.body);
    expect(fresh).toHaveLength(10);
    expect((await signInWithRecoveryCode(ctx, user.email, codes[9]!)).response.status).toBe(400);
    expect((await signInWithRecoveryCode(ctx, user.email, fresh[0]!)).response.location).toBe("/");
  });

  it("the verify page offers a recovery code only to a user who has one", async () => {
    const user = await ctx.createUser();
    await enrollApp(ctx, user.email);
    const client = await ctx.signInWithPassword(user.email);
    expect((await client.get("/two-factor/verify")).body).not.toContain("Use a recovery code");
    const { user: other } = await enrolledWithCodes();
    const otherClient = await ctx.signInWithPassword(other.email);
    expect((await otherClient.get("/two-factor/verify")).body).toContain('<a href="/two-factor/recovery">Use a recovery code</a>');
  });
});
