import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../support/context.ts";

const LIMIT = { RATE_LIMIT_POSTS_PER_MINUTE: "3" };
const contexts: TestContext[] = [];
afterEach(async () => {
  for (const ctx of contexts.splice(0)) await ctx.close();
});

async function post(ctx: TestContext) {
  return (await ctx.client().submit("/login", { email: "nobody@example.com", password: "a wrong password" })).status;
}

describe("the per-IP limit on form posts", () => {
  it("refuses posts over the limit with 429 and a page saying so, and never limits pages (GET)", async () => {
    const ctx = await createTestContext("sqlite", { env: LIMIT });
    contexts.push(ctx);
    expect([await post(ctx), await post(ctx), await post(ctx)]).toEqual([401, 401, 401]);
    const refused = await ctx.client().submit("/login", { email: "nobody@example.com", password: "a wrong password" });
    expect(refused.status).toBe(429);
    expect(refused.body).toContain("Too many requests");
    for (let i = 0; i < 10; i += 1) expect((await ctx.client().get("/login")).status).toBe(200);
  });

  it("is off when RATE_LIMIT_POSTS_PER_MINUTE is 0", async () => {
    const ctx = await createTestContext("sqlite");
    contexts.push(ctx);
    for (let i = 0; i < 10; i += 1) expect(await post(ctx)).toBe(401);
  });
});

describe.runIf(process.env.TEST_REDIS_URL)("with REDIS_URL, instances share the count", () => {
  it("posts to two instances count against one limit", async () => {
    const redis = new Redis(process.env.TEST_REDIS_URL!, { maxRetriesPerRequest: 1 });
    try {
      const stale = await redis.keys("gatehouse:posts:*");
      if (stale.length) await redis.del(...stale);
      const first = await createTestContext("sqlite", { env: LIMIT, redis });
      const second = await createTestContext("sqlite", { env: LIMIT, redis });
      contexts.push(first, second);
      expect([await post(first), await post(second), await post(first)]).toEqual([401, 401, 401]);
      expect(await post(second)).toBe(429);
      // Without the shared store, the second instance alone would still allow it.
      const alone = await createTestContext("sqlite", { env: LIMIT });
      contexts.push(alone);
      expect(await post(alone)).toBe(401);
    } finally {
      const keys = await redis.keys("gatehouse:posts:*");
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    }
  });
});
