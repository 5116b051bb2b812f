import type { ValidSession } from "../auth/session.ts";

/**
 * Who may reach a route:
 * - public: anyone;
 * - pending: a session that has passed the password but not yet the second factor;
 * - full: a session that has passed both (the default: deny unless a route says otherwise);
 * - session: any session.
 */
export type Access = "public" | "pending" | "full" | "session";

declare module "fastify" {
  interface FastifyRequest {
    auth: ValidSession | null;
  }
  interface FastifyContextConfig {
    access?: Access;
  }
}
