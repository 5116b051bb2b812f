import type { FastifyReply, FastifyRequest } from "fastify";
import { findActiveFactor } from "../../auth/second-factor.ts";
import type { AppDeps } from "../deps.ts";

/**
 * Forced set-up is only for a user who has no second factor yet. A session that has passed only the
 * password must never add a factor to an account that has one: that would bypass the second factor.
 */
export function requireSetupAllowed(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const auth = request.auth;
    if (!auth) return reply.redirect("/login", 303);
    if (await findActiveFactor(deps.database.db, auth.user.id)) return reply.redirect("/two-factor/verify", 303);
    return undefined;
  };
}
