import type { FastifyReply, FastifyRequest } from "fastify";
import { type CompletionOptions, completeSecondFactor } from "../auth/second-factor-sign-in.ts";
import type { AppDeps } from "../deps.ts";
import { requestMeta } from "./request-meta.ts";
import { setSessionCookie } from "./session-cookie.ts";
import { proven } from "./guards/access.ts";

export interface FinishOptions extends CompletionOptions {
  /** What to answer when a concurrent request took the single-use proof (`consume`) first. */
  onTaken?: () => Promise<FastifyReply>;
}

/**
 * Finishes a second-factor step for the request's pending session: new session cookie, then the
 * dashboard. When a concurrent request already used this session, the browser is sent to start over.
 */
export async function finishSecondFactor(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, options: FinishOptions): Promise<FastifyReply> {
  const auth = proven(request, "session");
  const completed = await completeSecondFactor(deps.database.db, deps, auth.session, requestMeta(request), options);
  if (completed === "taken" && options.onTaken) return options.onTaken();
  if (!completed || completed === "taken") return reply.redirect("/login", 303);
  setSessionCookie(reply, deps.config, completed.token);
  return reply.redirect("/", 303);
}
