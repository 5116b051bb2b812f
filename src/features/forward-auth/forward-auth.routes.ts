import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { AppDeps } from "../../deps.ts";
import { proxyTrust } from "../../http/network/trusted-proxy.ts";
import { FORWARD_AUTH_MESSAGES as M } from "./forward-auth.messages.ts";
import { cachedProxyApp } from "../../auth/proxy-apps.ts";
import { decide, type RemoteIdentity } from "./forward-auth.service.ts";
import { forwardedTarget } from "./forwarded-target.ts";
import { refusalPage } from "./forward-auth.view.ts";

/**
 * How each proxy is answered:
 * - forward (Caddy forward_auth, Traefik ForwardAuth): the proxy hands any non-2xx answer to the
 *   browser, so "sign in" is a 302 to the portal's /login carrying `rd`, and refusals are pages;
 * - request (nginx auth_request): nginx understands only 2xx, 401 and 403 (anything else becomes its
 *   own 500), so "sign in" is 401 (nginx's error_page sends the browser to /login) and every refusal 403.
 */
type Flavour = "forward" | "request";

/** Forward auth for reverse proxies (PORTAL.md §4): GET /auth/forward and GET /auth/request. */
export function forwardAuthRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const trusted = proxyTrust(config.trustProxy);
  const portal = config.publicUrl;

  /** A refusal page for the browser, which sees it on the app's address. */
  function page(reply: FastifyReply, code: number, o: { heading: string; message: string }) {
    const markup = refusalPage({ portalName: config.portalName, ...o, portalUrl: portal.href, linkText: M.backToPortal });
    return reply.code(code).header("cache-control", "no-store").type("text/html; charset=utf-8").send(markup);
  }

  function refuse(request: FastifyRequest, reply: FastifyReply, flavour: Flavour, code: number, reason: string, words: { heading: string; message: string }) {
    // Why, without secrets: no cookie, no query string (the path may carry an app's own tokens).
    request.log.warn({ forwardAuth: reason, peer: request.socket.remoteAddress, forwardedHost: String(request.headers["x-forwarded-host"] ?? "").slice(0, 255) }, "forward auth refused");
    if (flavour === "request") return reply.code(code === 401 ? 401 : 403).header("cache-control", "no-store").send();
    return page(reply, code, words);
  }

  async function answer(request: FastifyRequest, reply: FastifyReply, flavour: Flavour): Promise<FastifyReply> {
    if (!trusted(request.socket.remoteAddress)) return refuse(request, reply, flavour, 403, "untrusted_proxy", M.untrustedProxy);
    const target = forwardedTarget(request.headers);
    if (!target.ok) return refuse(request, reply, flavour, 400, target.reason, M.badHeaders);
    const decision = decide(await cachedProxyApp(database.db, deps.clock, target.url.host), request.auth);
    switch (decision.kind) {
      case "unregistered":
        return refuse(request, reply, flavour, 403, "unregistered_host", M.notProtected);
      case "sign_in":
        if (flavour === "request") return reply.code(401).header("cache-control", "no-store").send();
        return reply.header("cache-control", "no-store").redirect(`${new URL("/login", portal).href}?rd=${encodeURIComponent(target.url.href)}`, 302);
      case "forbidden":
        if (flavour === "request") return reply.code(403).header("cache-control", "no-store").send();
        return page(reply, 403, M.notAllowed(decision.app.name));
      case "allowed":
        return reply.code(200).header("cache-control", "no-store").headers(remoteHeaders(decision.identity)).send();
    }
  }

  return async (app: FastifyInstance) => {
    const opts = { config: { access: "public" as const } };
    app.get("/auth/forward", opts, (request, reply) => answer(request, reply, "forward"));
    app.get("/auth/request", opts, (request, reply) => answer(request, reply, "request"));
  };
}

/**
 * HTTP header values are bytes (RFC 9110 §5.5): names in any script go out as their UTF-8 bytes, as
 * Authelia's do, and control characters never (no header splitting).
 */
function headerValue(text: string): string {
  // biome-ignore lint: control characters are exactly what this removes
  return Buffer.from(text.replace(/[\u0000-\u001f\u007f]/g, " "), "utf8").toString("latin1");
}

function remoteHeaders(identity: RemoteIdentity): Record<string, string> {
  return {
    "remote-user": headerValue(identity.user),
    "remote-email": headerValue(identity.email),
    "remote-name": headerValue(identity.name),
    "remote-groups": headerValue(identity.groups),
  };
}
