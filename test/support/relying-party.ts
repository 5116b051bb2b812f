import { createServer } from "node:net";
import * as oidc from "openid-client";
import { createApp } from "../../src/auth/apps.ts";
import type { App } from "../../src/db/schema.ts";
import { type ContextOptions, createTestContext, TEST_PASSWORD, type TestContext } from "./context.ts";
import type { TestDialect } from "./databases.ts";
import type { HttpClient } from "./http-client.ts";

/** A port nobody listens on now (so PUBLIC_URL, the issuer, can be the test server's real address). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === "string") throw new Error("no port");
  return address.port;
}

/** A test context whose PUBLIC_URL (the issuer) is its own address, with the fake clock at the real time. */
export async function createOidcTestContext(dialect: TestDialect, options: Omit<ContextOptions, "port"> = {}): Promise<TestContext> {
  const port = await freePort();
  const ctx = await createTestContext(dialect, { ...options, port, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ...options.env } });
  // oidc-provider stamps tokens with the real time and openid-client checks them against it: the portal's
  // clock (auth_time, expiries in the adapter) starts there too, and only the tests move it on.
  ctx.clock.set(Date.now());
  return ctx;
}

export const RP_REDIRECT_URI = "https://files.example.test/callback";

/** Registers an app as `gatehouse apps add --oidc` does; returns it with its secret (null when public). */
export async function registerOidcApp(ctx: TestContext, o: { name?: string; publicClient?: boolean; roles?: string[]; redirectUri?: string; postLogout?: string[] } = {}): Promise<{ app: App; clientSecret: string | null }> {
  const created = await createApp(ctx.deps.database.db, ctx.deps, {
    name: o.name ?? "Files",
    url: "https://files.example.test/",
    method: "oidc",
    redirectUris: [o.redirectUri ?? RP_REDIRECT_URI],
    postLogoutRedirectUris: o.postLogout ?? [],
    publicClient: o.publicClient,
    allowedRoles: o.roles ?? null,
  });
  if (!created.ok) throw new Error(created.error);
  return created;
}

export interface PendingAuthorization {
  url: URL;
  codeVerifier: string;
  state: string;
  nonce: string;
}

/** openid-client 6 (a certified relying party) against the portal, over plain http on 127.0.0.1. */
export class RelyingParty {
  private constructor(
    readonly config: oidc.Configuration,
    readonly redirectUri: string,
  ) {}

  static async discover(issuer: string, o: { clientId: string; clientSecret: string | null; redirectUri?: string; auth?: "basic" | "post" }): Promise<RelyingParty> {
    const auth = o.clientSecret === null ? oidc.None() : o.auth === "post" ? oidc.ClientSecretPost(o.clientSecret) : oidc.ClientSecretBasic(o.clientSecret);
    const config = await oidc.discovery(new URL(issuer), o.clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });
    return new RelyingParty(config, o.redirectUri ?? RP_REDIRECT_URI);
  }

  async start(extra: Record<string, string> = {}): Promise<PendingAuthorization> {
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const url = oidc.buildAuthorizationUrl(this.config, {
      redirect_uri: this.redirectUri,
      scope: "openid profile email",
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: "S256",
      state,
      nonce,
      ...extra,
    });
    return { url, codeVerifier, state, nonce };
  }

  finish(callback: URL, pending: PendingAuthorization, checks: Partial<oidc.AuthorizationCodeGrantChecks> = {}) {
    return oidc.authorizationCodeGrant(this.config, callback, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true, ...checks });
  }
}

export type Followed = { kind: "callback"; url: URL } | { kind: "login"; location: string } | { kind: "page"; status: number; body: string; url: string };

/**
 * Follows the browser's way from an authorization URL: redirects and the portal's zero-second
 * refresh pages, until it reaches the app's redirect URI, the portal's /login, or another page.
 */
export async function followAuthorization(client: HttpClient, start: string, redirectUri = RP_REDIRECT_URI): Promise<Followed> {
  let next = start;
  for (let hops = 0; hops < 12; hops += 1) {
    if (next.startsWith(redirectUri)) return { kind: "callback", url: new URL(next) };
    const response = await client.get(next);
    const target = response.location ?? metaRefreshTarget(response.body);
    if (!target) return { kind: "page", status: response.status, body: response.body, url: next };
    const absolute = new URL(target, new URL(next, client.baseUrl)).href;
    if (new URL(absolute).pathname === "/login") return { kind: "login", location: absolute };
    next = absolute;
  }
  throw new Error(`too many redirects from ${start}`);
}

export function metaRefreshTarget(body: string): string | null {
  const match = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(body);
  return match?.[1] ? match[1].replace(/&amp;/g, "&") : null;
}

/** Signs in on the /login page the provider sent the browser to, its `next` kept as the form does. */
export function signInAt(client: HttpClient, loginUrl: string, email: string) {
  const url = new URL(loginUrl);
  return client.submit(`${url.pathname}${url.search}`, { email, password: TEST_PASSWORD, next: url.searchParams.get("next") ?? "" }, "/login");
}

/** The parameters the portal sent the browser back to the app with (`code`, or `error`). */
export function callbackParams(followed: Followed): URLSearchParams {
  if (followed.kind !== "callback") throw new Error(`expected the app's redirect URI, got ${followed.kind}: ${"location" in followed ? followed.location : followed.status}`);
  return followed.url.searchParams;
}
