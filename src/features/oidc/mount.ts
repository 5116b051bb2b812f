import type { IncomingMessage, ServerResponse } from "node:http";
import middie from "@fastify/middie";
import type { FastifyInstance } from "fastify";
import type Provider from "oidc-provider";
import type { AppDeps } from "../../deps.ts";
import { securityHeaderOptions, securityHeaders } from "../../http/security-headers.ts";
import { INTERACTION_PATH } from "./provider-config.ts";
import { createOidcProvider } from "./provider.ts";

const DISCOVERY_PATH = "/.well-known/openid-configuration";

/** The provider's own endpoints (discovery, /oidc/auth, /oidc/token…); the interaction pages are Fastify routes. */
export function isProviderPath(url: string): boolean {
  const path = url.split("?", 1)[0]!;
  if (path === DISCOVERY_PATH) return true;
  return path.startsWith("/oidc/") && !path.startsWith(`${INTERACTION_PATH}/`);
}

/**
 * Mounts oidc-provider's Koa app (`provider.callback()`) with @fastify/middie. Its endpoints answer
 * before the portal's body parsing, CSRF check and session guard: relying parties post JSON-less forms
 * to the token endpoint from other origins with client authentication instead of a CSRF token, and
 * the provider runs its own checks (state, PKCE, signed cookies). They get the portal's security
 * headers. Register this before the CSRF plugin, so its Origin check never sees these requests.
 */
export async function mountOidcProvider(app: FastifyInstance, deps: AppDeps): Promise<Provider> {
  const provider = await createOidcProvider(deps, app.log);
  const callback = provider.callback();
  const headers = Object.entries(securityHeaders(securityHeaderOptions(deps.config)));
  await app.register(middie, { hook: "onRequest" });
  app.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
    if (!req.url || !isProviderPath(req.url)) return next();
    for (const [name, value] of headers) res.setHeader(name, value);
    void callback(req, res);
  });
  return provider;
}
