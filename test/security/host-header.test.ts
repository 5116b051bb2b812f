import { request as httpRequest } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { createTestContext, type TestContext } from "../support/context.ts";

/** A GET with a Host header of our choosing (fetch does not let a page, or a test, set it). */
function getWithHost(baseUrl: string, path: string, host: string): Promise<number> {
  const url = new URL(path, baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ hostname: url.hostname, port: url.port, path: url.pathname, headers: { host } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("the Host header (DNS rebinding)", () => {
  let ctx: TestContext;
  afterEach(async () => ctx.close());

  it("a Host other than PUBLIC_URL's (or ALLOWED_HOSTS, or an address) gets 421, on the development outbox and every page", async () => {
    ctx = await createTestContext("sqlite", { env: { PUBLIC_URL: "https://portal.example.com", ALLOWED_HOSTS: "portal-staging.example.com" } });
    await ctx.client().submit("/forgot-password", { email: "someone@example.com" });
    for (const path of ["/dev/outbox.json", "/dev/outbox", "/login", "/"]) {
      expect(await getWithHost(ctx.baseUrl, path, "rebind.attacker.example"), path).toBe(421);
      expect(await getWithHost(ctx.baseUrl, path, "rebind.attacker.example:3000"), path).toBe(421);
    }
    expect(await getWithHost(ctx.baseUrl, "/dev/outbox.json", "portal.example.com")).toBe(200);
    expect(await getWithHost(ctx.baseUrl, "/dev/outbox.json", "PORTAL.example.com.")).toBe(200);
    expect(await getWithHost(ctx.baseUrl, "/dev/outbox.json", "portal-staging.example.com")).toBe(200);
    // An address cannot be rebound (rebinding needs a name the attacker controls).
    expect(await getWithHost(ctx.baseUrl, "/dev/outbox.json", "127.0.0.1:3000")).toBe(200);
    expect(await getWithHost(ctx.baseUrl, "/login", "[::1]:3000")).toBe(200);
  });

  it("health checks and metrics answer whatever the Host (a proxy or Prometheus addresses each instance by its own name)", async () => {
    ctx = await createTestContext("sqlite", { env: { PUBLIC_URL: "https://portal.example.com" } });
    for (const path of ["/healthz", "/readyz", "/metrics"]) expect(await getWithHost(ctx.baseUrl, path, "portal1:3000"), path).toBe(200);
  });
});
