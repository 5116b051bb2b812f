import { isIP } from "node:net";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";

/**
 * Addressed by each instance's own name by proxies and Prometheus, and holding nothing about anyone;
 * and forward auth, which a reverse proxy asks about an app's host (X-Forwarded-Host names the app). A
 * rebound name carries no portal cookie, so forward auth has nothing to tell it.
 */
const ANY_HOST_PATHS: readonly string[] = ["/healthz", "/readyz", "/metrics", "/auth/forward", "/auth/request"];

const normalize = (hostname: string) => hostname.toLowerCase().replace(/\.$/, "").replace(/^\[(.*)\]$/, "$1");

/**
 * DNS rebinding: a page on attacker.example whose name is re-pointed at this server reads it as its
 * own origin, Host "attacker.example" (e.g. the development outbox's codes). Requests must name
 * PUBLIC_URL's host, one of ALLOWED_HOSTS, localhost or an IP address (which cannot be rebound);
 * anything else gets 421 Misdirected Request (RFC 9110 §15.5.20). Ports are not compared.
 */
export function registerHostCheck(app: FastifyInstance, config: Config): void {
  const allowed = new Set([normalize(config.publicUrl.hostname), "localhost", ...config.allowedHosts.map(normalize)]);
  app.addHook("onRequest", async (request, reply) => {
    const path = request.url.split("?")[0]!;
    if (ANY_HOST_PATHS.some((open) => path === open || path.startsWith(`${open}/`))) return;
    const hostname = request.headers.host === undefined ? null : normalize(request.hostname);
    // No Host at all is not a browser (browsers always send one): nothing to rebind.
    if (hostname === null || allowed.has(hostname) || isIP(hostname) !== 0) return;
    return reply.code(421).header("cache-control", "no-store").type("text/plain; charset=utf-8").send("421 Misdirected Request: this portal is not served under that host name.\n");
  });
}
