import { afterEach, beforeEach, describe, expect, test } from "vitest";
import type { App } from "../../src/db/schema.ts";
import type { TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import type { HttpClient } from "../support/http-client.ts";
import { captureLogs, type LogCapture } from "../support/log-capture.ts";
import { callbackParams, createOidcTestContext, followAuthorization, RelyingParty, registerOidcApp, RP_REDIRECT_URI } from "../support/relying-party.ts";
import { enrollApp, signInWithAppCode } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("OpenID Connect bad input on %s", (dialect) => {
  let ctx: TestContext;
  let logs: LogCapture;
  let files: { app: App; clientSecret: string | null };
  let rp: RelyingParty;
  let browser: HttpClient;
  beforeEach(async () => {
    logs = captureLogs("info");
    ctx = await createOidcTestContext(dialect, { logger: logs.logger });
    const user = await ctx.createUser();
    const secret = await enrollApp(ctx, user.email);
    browser = await signInWithAppCode(ctx, user.email, secret);
    files = await registerOidcApp(ctx);
    rp = await RelyingParty.discover(ctx.baseUrl, { clientId: files.app.client_id!, clientSecret: files.clientSecret });
  });
  afterEach(async () => {
    await ctx.close();
    const text = logs.lines().join("\n");
    expect(text, "a client secret reached the logs").not.toContain(files.clientSecret!);
    expect(text).not.toMatch(/"level":50/);
  });

  /** An authorization request as an app would build it, with `change` applied. */
  async function authorizationUrl(change: (params: URLSearchParams) => void): Promise<string> {
    const url = (await rp.start()).url;
    change(url.searchParams);
    return url.href;
  }

  test("an unknown client gets the portal's error page (400, invalid_client), never a redirect", async () => {
    const response = await browser.get(await authorizationUrl((p) => p.set("client_id", "0123456789abcdef0123456789abcdef")));
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
    expect(response.body).toContain("The app&#39;s sign-in did not work");
    expect(response.body).toContain("invalid_client");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
  });

  test("a redirect URI the app did not register is refused on the portal (400, invalid_redirect_uri), not followed", async () => {
    const response = await browser.get(await authorizationUrl((p) => p.set("redirect_uri", "https://evil.example.test/callback")));
    expect(response.status).toBe(400);
    expect(response.location).toBeNull();
    expect(response.body).toContain("invalid_redirect_uri");
  });

  test("a public client without PKCE is sent back with invalid_request; a wrong code_verifier gets invalid_grant", async () => {
    const wiki = await registerOidcApp(ctx, { name: "Wiki", publicClient: true });
    const wikiRp = await RelyingParty.discover(ctx.baseUrl, { clientId: wiki.app.client_id!, clientSecret: null });
    const withoutPkce = (await wikiRp.start()).url;
    withoutPkce.searchParams.delete("code_challenge");
    withoutPkce.searchParams.delete("code_challenge_method");
    expect(callbackParams(await followAuthorization(browser, withoutPkce.href)).get("error")).toBe("invalid_request");

    const plain = (await wikiRp.start()).url;
    plain.searchParams.set("code_challenge_method", "plain");
    expect(callbackParams(await followAuthorization(browser, plain.href)).get("error")).toBe("invalid_request");

    const pending = await wikiRp.start();
    const back = await followAuthorization(browser, pending.url.href);
    await expect(wikiRp.finish((back as { url: URL }).url, { ...pending, codeVerifier: "x".repeat(43) })).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a code works once: reused, or exchanged after it expired, it gets invalid_grant", async () => {
    const first = await rp.start();
    const back = await followAuthorization(browser, first.url.href);
    await rp.finish((back as { url: URL }).url, first);
    await expect(rp.finish((back as { url: URL }).url, first)).rejects.toMatchObject({ error: "invalid_grant" });

    const late = await rp.start();
    const lateBack = await followAuthorization(browser, late.url.href);
    ctx.clock.advance(61_000);
    await expect(rp.finish((lateBack as { url: URL }).url, late)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  test("a tampered state is caught by the app; a tampered or unknown interaction gets a 400 page", async () => {
    const pending = await rp.start();
    const back = await followAuthorization(browser, pending.url.href);
    const tampered = new URL((back as { url: URL }).url);
    tampered.searchParams.set("state", "tampered");
    const refused = await rp.finish(tampered, pending).catch((error: unknown) => error as { code?: string; cause?: unknown });
    expect(refused).toMatchObject({ code: "OAUTH_INVALID_RESPONSE" });
    expect((refused.cause as Error).message).toMatch(/state/);

    const unknown = await browser.get("/oidc/interaction/not-a-real-interaction");
    expect(unknown.status).toBe(400);
    expect(unknown.body).toContain("This sign-in has expired");
    const resume = await browser.get("/oidc/auth/not-a-real-interaction");
    expect(resume.status).toBe(400);
  });

  test("a wrong client secret gets 401 invalid_client at the token endpoint; bad requests get 400, never 500", async () => {
    const wrong = await RelyingParty.discover(ctx.baseUrl, { clientId: files.app.client_id!, clientSecret: "not-the-secret" });
    const pending = await wrong.start();
    const back = await followAuthorization(browser, pending.url.href);
    await expect(wrong.finish((back as { url: URL }).url, pending)).rejects.toMatchObject({ status: 401, cause: [{ parameters: { error: "invalid_client" } }] });

    const basic = `Basic ${Buffer.from(`${files.app.client_id}:${files.clientSecret}`).toString("base64")}`;
    for (const [body, contentType] of [
      ["grant_type=authorization_code&code=nope&redirect_uri=" + encodeURIComponent(RP_REDIRECT_URI), "application/x-www-form-urlencoded"],
      ['{"grant_type":"authorization_code"}', "application/json"],
      ["grant_type=password&username=a&password=b", "application/x-www-form-urlencoded"],
      ["", "application/x-www-form-urlencoded"],
    ]) {
      const response = await browser.request("POST", "/oidc/token", { body, headers: { "content-type": contentType!, authorization: basic, origin: "https://files.example.test" } });
      expect(response.status, body).toBeGreaterThanOrEqual(400);
      expect(response.status, body).toBeLessThan(500);
    }
  });
});
