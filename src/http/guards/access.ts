import type { ValidSession } from "../../auth/session.ts";

/**
 * Who may reach a route:
 * - public: anyone;
 * - pending: a session that has passed the password but not yet the second factor;
 * - full: a session that has passed both (the default: deny unless a route says otherwise);
 * - session: any session that has passed the password;
 * - recovery: the password-reset pages, which see the recovery session bound to their link.
 * A recovery session is invisible everywhere else: it is not signed in.
 */
export type Access = "public" | "pending" | "full" | "session" | "recovery";

declare module "fastify" {
  interface FastifyRequest {
    auth: ValidSession | null;
  }
  interface FastifyContextConfig {
    access?: Access;
    /** A button-only form: a POST carrying any field but its CSRF token is refused with 400. */
    emptyForm?: boolean;
  }
}
