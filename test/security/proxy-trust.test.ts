import { afterEach, describe, expect, it } from "vitest";
import { LOGIN_IP_FAILURES } from "../../src/auth/lockout.ts";
import { ConfigError, parseConfig } from "../../src/config/config.ts";
import { createTestContext, TEST_SECRET_KEY, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf } from "../support/http-client.ts";

const parse = (TRUST_PROXY: string) => parseConfig({ SECRET_KEY: TEST_SECRET_KEY, TRUST_PROXY }, { cwd: process.cwd(), fallbackSecretKey: null });

describe("TRUST_PROXY", () => {
  it("'true' (believe every hop, so any client picks its own address) is refused at start with one line asking for the proxy's addresses or a hop count", () => {
    expect(() => parse("true")).toThrow(ConfigError);
    try {
      parse("true");
    } catch (error) {
      const message = (error as Error).message;
      expect(message).not.toContain("\n");
      expect(message).toMatch(/^TRUST_PROXY: .*address.*hop count/);
    }
  });

  it("takes a hop count, or the proxy's addresses and CIDRs, and refuses anything else", () => {
    expect(parse("1").trustProxy).toBe(1);
    expect(parse("10.0.0.2, 172.16.0.0/12, ::1").trustProxy).toBe("10.0.0.2,172.16.0.0/12,::1");
    expect(parse("false").trustProxy).toBe(false);
    for (const bad of ["yes", "10.0.0.0/33", "proxy.internal", "0"]) expect(() => parse(bad), bad).toThrow(ConfigError);
  });
});

describe.each(TEST_DIALECTS)("client addresses behind a trusted proxy (%s)", (dialect) => {
  let ctx: TestContext;
  afterEach(async () => ctx.close());

  it.each(["127.0.0.1", "1"])("TRUST_PROXY=%s: a client cannot choose its address by sending X-Forwarded-For through the proxy: per-IP limits hold and the audit log records the real one", async (TRUST_PROXY) => {
    // The test client plays the proxy (127.0.0.1): it appends the real client address, as nginx does.
    ctx = await createTestContext(dialect, { env: { TRUST_PROXY } });
    const client = ctx.client();
    const token = csrfTokenOf((await client.get("/login")).body);
    const statuses: number[] = [];
    for (let n = 0; n < LOGIN_IP_FAILURES.limit + 10; n += 1) {
      const spoofed = `198.51.100.${n}, 203.0.113.7`;
      statuses.push((await client.postForm("/login", { _csrf: token, email: `nobody${n}@example.com`, password: "wrong password" }, { "x-forwarded-for": spoofed })).status);
    }
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    const ips = await ctx.testDb.database.db.selectFrom("audit_events").select("ip").distinct().where("type", "=", "signin.password_failed").execute();
    expect(ips).toEqual([{ ip: "203.0.113.7" }]);
  });
});
