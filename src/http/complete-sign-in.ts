import type { FastifyReply, FastifyRequest } from "fastify";
import { allowedContinuation } from "../auth/return-to.ts";
import { type CompletionOptions, completeSecondFactor } from "../auth/second-factor-sign-in.ts";
import type { AppDeps } from "../deps.ts";
import { requestMeta } from "./request-meta.ts";
import { setSessionCookie } from "./session-cookie.ts";
import { proven } from "./guards/access.ts";

/**
 * Finishes a second-factor step for the request's pending session: new session cookie, then where the
 * sign-in was asked to continue (an app's sign-in, src/auth/return-to.ts), otherwise the dashboard.
 * When a concurrent request already used this session, the browser is sent to start over.
 */
export async function finishSecondFactor(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, options: CompletionOptions): Promise<FastifyReply> {
  const auth = proven(request, "session");
  const completed = await completeSecondFactor(deps.database.db, deps, auth.session, requestMeta(request), options);
  if (!completed) return reply.redirect("/login", 303);
  setSessionCookie(reply, deps.config, completed.token);
  // Decided again: the app may have been removed while the user was signing in.
  return reply.redirect((await allowedContinuation(deps.database.db, completed.session.return_to)) ?? "/", 303);
}
