import { afterEach, describe, expect, it } from "vitest";
import { LOGIN_IP_FAILURES } from "../../src/auth/lockout.ts";
import { limitGroupOf } from "../../src/http/network/ip-group.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { csrfTokenOf } from "../support/http-client.ts";

describe("limitGroupOf()", () => {
  it("groups IPv6 addresses by their /64 (or the configured prefix), and leaves IPv4 (mapped or not) alone", () => {
    expect(limitGroupOf("2001:db8:1:2::1", 64)).toBe(limitGroupOf("2001:0db8:0001:0002:ffff:ffff:ffff:ffff", 64));
    expect(limitGroupOf("2001:db8:1:2::1", 64)).not.toBe(limitGroupOf("2001:db8:1:3::1", 64));
    expect(limitGroupOf("2001:db8:1:2::1", 48)).toBe(limitGroupOf("2001:db8:1:3::1", 48));
    expect(limitGroupOf("2001:db8:1:2::1", 128)).not.toBe(limitGroupOf("2001:db8:1:2::2", 128));
    expect(limitGroupOf("fe80::1%eth0", 64)).toBe(limitGroupOf("fe80::2", 64));
    expect(limitGroupOf("::ffff:198.51.100.7", 64)).toBe("198.51.100.7");
    expect(limitGroupOf("198.51.100.7", 64)).toBe("198.51.100.7");
  });
});

describe.each(TEST_DIALECTS)("per-IP limits and IPv6 (%s)", (dialect) => {
  let ctx: TestContext;
  afterEach(async () => ctx.close());

  it("rotating addresses inside one /64 does not escape the per-address sign-in limit; another /64 is not affected", async () => {
    ctx = await createTestContext(dialect, { env: { TRUST_PROXY: "127.0.0.1" } });
    const client = ctx.client();
    const token = csrfTokenOf((await client.get("/login")).body);
    const fail = (ip: string, n: number) => client.postForm("/login", { _csrf: token, email: `nobody${n}@example.com`, password: "wrong password" }, { "x-forwarded-for": ip });
    const statuses: number[] = [];
    for (let n = 1; n <= LOGIN_IP_FAILURES.limit + 5; n += 1) statuses.push((await fail(`2001:db8:1:2::${n.toString(16)}`, n)).status);
    expect(statuses.filter((status) => status === 429).length).toBe(5);
    expect((await fail("2001:db8:1:3::1", 0)).status).toBe(401);
  });
});
