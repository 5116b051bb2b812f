import { afterEach, describe, expect, it } from "vitest";
import { redactUrl } from "../../src/http/logging/request-log.ts";
import { createTestContext, type TestContext } from "../support/context.ts";
import { captureLogs } from "../support/log-capture.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("request ids", () => {
  let ctx: TestContext | undefined;
  afterEach(async () => ctx?.close());

  const reqIdsOf = (records: Record<string, unknown>[], msg: string) => records.filter((r) => r.msg === msg).map((r) => r.reqId);

  it("every response names its request id, a fresh UUID each time, and every log line of the request carries it", async () => {
    const logs = captureLogs("debug");
    ctx = await createTestContext("sqlite", { logger: logs.logger });
    const first = await ctx.client().get("/login");
    const second = await ctx.client().request("GET", "/healthz", { headers: { "x-request-id": "chosen-by-the-client" } });
    const ids = [first.headers.get("x-request-id"), second.headers.get("x-request-id")];
    for (const id of ids) expect(id).toMatch(UUID);
    expect(ids[0]).not.toBe(ids[1]);
    // Without TRUST_PROXY nobody vouches for the header: a client cannot choose what the logs say.
    expect(reqIdsOf(logs.records(), "incoming request")).toEqual(ids);
    expect(reqIdsOf(logs.records(), "request completed")).toEqual(ids);
  });

  it("at info level a request is one line, written when it is answered: method, redacted URL, status and time", async () => {
    const logs = captureLogs("info");
    ctx = await createTestContext("sqlite", { logger: logs.logger });
    const response = await ctx.client().get("/reset-password/abcdefghijklmnopqrstuvwxyz0123456789ABCD?page=two");
    const lines = logs.records().filter((r) => r.reqId === response.headers.get("x-request-id"));
    expect(lines.map((r) => r.msg)).toEqual(["request completed"]);
    const [line] = lines as [{ req: { method: string; url: string }; res: { statusCode: number }; responseTime: number }];
    expect(line.req.method).toBe("GET");
    expect(line.req.url).toBe("/reset-password/[redacted]?page=two");
    expect(line.res.statusCode).toBe(response.status);
    expect(line.responseTime).toBeGreaterThanOrEqual(0);
  });

  it("behind a trusted proxy (TRUST_PROXY) the proxy's X-Request-Id is used and echoed; a malformed one is replaced", async () => {
    const logs = captureLogs("info");
    ctx = await createTestContext("sqlite", { logger: logs.logger, env: { TRUST_PROXY: "127.0.0.1" } });
    const proxied = await ctx.client().request("GET", "/login", { headers: { "x-request-id": "7f3c9a1e4b2d4e6f8a0b1c2d3e4f5a6b" } });
    expect(proxied.headers.get("x-request-id")).toBe("7f3c9a1e4b2d4e6f8a0b1c2d3e4f5a6b");
    const malformed = await ctx.client().request("GET", "/login", { headers: { "x-request-id": `bad id "${"x".repeat(200)}"` } });
    expect(malformed.headers.get("x-request-id")).toMatch(UUID);
    const missing = await ctx.client().get("/login");
    expect(missing.headers.get("x-request-id")).toMatch(UUID);
    expect(reqIdsOf(logs.records(), "request completed")).toEqual([proxied, malformed, missing].map((r) => r.headers.get("x-request-id")));
  });

  it("error pages and redirects carry the request id too", async () => {
    ctx = await createTestContext("sqlite");
    for (const response of [await ctx.client().get("/no-such-page"), await ctx.client().get("/"), await ctx.client().postForm("/login", {})]) {
      expect(response.status).toBeGreaterThanOrEqual(300);
      expect(response.headers.get("x-request-id")).toMatch(UUID);
    }
  });
});

describe("redactUrl()", () => {
  it("replaces the matched route's secret parameters and keeps the rest", () => {
    expect(redactUrl("/reset-password/abcDEF123_-x/verify", { token: "abcDEF123_-x" })).toBe("/reset-password/[redacted]/verify");
    expect(redactUrl("/admin/users/0123abcd", { id: "0123abcd" })).toBe("/admin/users/0123abcd");
    expect(redactUrl("/two-factor/step-up?then=password", {})).toBe("/two-factor/step-up?then=password");
  });

  it("in an unmatched path, removes every segment with digits, capitals or underscores, or longer than 32 characters", () => {
    expect(redactUrl("/invite/Zm9vYmFy_tok/extra", null)).toBe("/invite/[redacted]/extra");
    expect(redactUrl(`/no-such-page/${"a".repeat(33)}`, null)).toBe("/no-such-page/[redacted]");
  });

  it("in any query, removes values with digits, capitals, @, + or escapes, or longer than 64 characters", () => {
    expect(redactUrl("/admin?q=%2B447400123456&page=two", {})).toBe("/admin?q=[redacted]&page=two");
    expect(redactUrl("/login?email=ann@example.com&flag", {})).toBe("/login?email=[redacted]&flag");
    expect(redactUrl(`/login?x=${"a".repeat(65)}`, {})).toBe("/login?x=[redacted]");
  });
});
