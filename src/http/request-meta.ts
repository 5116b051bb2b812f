import type { FastifyRequest } from "fastify";
import type { SessionMeta } from "../auth/session.ts";

/** Who is asking, for sessions and the audit log: the client IP (TRUST_PROXY aware) and user agent. */
export function requestMeta(request: FastifyRequest): SessionMeta {
  return { ip: request.ip, userAgent: request.headers["user-agent"]?.slice(0, 512) ?? null, limitGroup: request.limitGroup || null };
}
