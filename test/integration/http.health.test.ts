import { describe, expect, it } from "vitest";
import { createTestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { useTestContext } from "../support/fixtures.ts";

describe.each(TEST_DIALECTS)("operations endpoints (%s)", (dialect) => {
  const ctx = useTestContext(dialect);

  it("/healthz answers while the process is up, /readyz while the database answers", async () => {
    expect((await ctx.client().get("/healthz")).status).toBe(200);
    const ready = await ctx.client().get("/readyz");
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.body)).toEqual({ status: "ready" });
  });
});

describe("/readyz with the database gone", () => {
  it("answers 503", async () => {
    const ctx = await createTestContext("sqlite");
    try {
      const original = ctx.deps.database.ping;
      (ctx.deps.database as { ping: () => Promise<boolean> }).ping = async () => false;
      expect((await ctx.client().get("/readyz")).status).toBe(503);
      (ctx.deps.database as { ping: () => Promise<boolean> }).ping = original;
    } finally {
      await ctx.close();
    }
  });
});
