import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PASSWORD_FAILURES } from "../../src/auth/lockout.ts";
import { composeSecurityNotice } from "../../src/notifications/security-notice.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf } from "../support/http-client.ts";

const EVIL_AGENT = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0 Safari/537.36 - your account is compromised, re-verify now at https://evil.example/login";

describe.each(TEST_DIALECTS)("security e-mails and attacker text (%s)", (dialect) => {
  let ctx: TestContext;
  beforeEach(async () => {
    ctx = await createTestContext(dialect);
  });
  afterEach(async () => ctx.close());

  it("a lock notice caused by an attacker names the device from a fixed list and quotes no header; its only link is PUBLIC_URL", async () => {
    const user = await ctx.createUser();
    const client = ctx.client();
    const token = csrfTokenOf((await client.get("/login")).body);
    for (let i = 0; i < PASSWORD_FAILURES.limit; i += 1) {
      await client.postForm("/login", { _csrf: token, email: user.email, password: `wrong guess ${i}` }, { "user-agent": EVIL_AGENT });
    }
    await ctx.flushMail();
    const notice = ctx.outbox.list().find((m) => m.channel === "mail" && m.to === user.email);
    expect(notice?.body).toContain("Chrome on Windows");
    expect(notice?.body).not.toContain("evil.example");
    expect(notice?.body).not.toContain("re-verify");
    const links = notice?.body.match(/https?:\/\/[^\s"']+/g) ?? [];
    for (const link of links) expect(link.startsWith(ctx.deps.config.publicUrl.origin)).toBe(true);
  });
});

describe("composeSecurityNotice()", () => {
  it("never prints a recorded address that is not an IP address", () => {
    const text = composeSecurityNotice({ type: "account.locked", atMs: 0, ip: "visit https://evil.example", userAgent: null, displayName: "Ann", portalName: "Gatehouse", supportContact: "the desk", publicUrl: "http://localhost:3000/" }).text;
    expect(text).not.toContain("evil.example");
  });
});
