import fastifyCsrf from "@fastify/csrf-protection";
import type { FastifyInstance, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Two independent checks on every state-changing request (OWASP CSRF Prevention Cheat Sheet):
 * 1. Fetch metadata / Origin: a browser request from another origin (another site, or another port
 *    of this host) is refused before anything is parsed.
 * 2. A synchronizer token in each form, tied to a secret in an HttpOnly cookie (double submit).
 */
export async function registerCsrf(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifyCsrf, {
    cookieKey: config.secureCookies ? "__Host-gatehouse_csrf" : "gatehouse_csrf",
    cookieOpts: { path: "/", httpOnly: true, sameSite: "lax", secure: config.secureCookies },
    getToken: (request) => (request.body as { _csrf?: unknown } | undefined)?._csrf as string | undefined,
  });

  app.addHook("onRequest", async (request) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (!isSameOrigin(request, config)) throw Object.assign(new Error("cross-origin request refused"), { statusCode: 403, code: "CROSS_ORIGIN" });
  });

  app.addHook("preHandler", (request, reply, done) => {
    if (SAFE_METHODS.has(request.method) || request.routeOptions.config.csrf === false) return done();
    app.csrfProtection(request, reply, done);
  });
}

function isSameOrigin(request: FastifyRequest, config: Config): boolean {
  const fetchSite = request.headers["sec-fetch-site"];
  if (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none") return false;
  const origin = request.headers.origin;
  // Absent from some clients; "null" on same-origin POSTs under Referrer-Policy: no-referrer (Fetch §3.1), vouched for by Sec-Fetch-Site.
  if (origin === undefined || (origin === "null" && fetchSite === "same-origin")) return true;
  return origin === config.publicUrl.origin || origin === `${request.protocol}://${request.host}`;
}

declare module "fastify" {
  interface FastifyContextConfig {
    /** false only for endpoints that change nothing a user owns (none today). */
    csrf?: boolean;
  }
}
