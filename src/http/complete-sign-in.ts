import type { FastifyReply, FastifyRequest } from "fastify";
import { allowedContinuation } from "../auth/return-to.ts";
import { type CompletionOptions, completeSecondFactor } from "../auth/second-factor-sign-in.ts";
import type { AppDeps } from "../deps.ts";
import { requestMeta } from "./request-meta.ts";
import { setSessionCookie } from "./cookies.ts";
import { proven } from "./guards/access.ts";
import { rememberBrowser } from "../auth/remembered-browsers.ts";
import { setRememberCookie } from "./cookies.ts";

export interface FinishOptions extends CompletionOptions {
  /** What to answer when a concurrent request took the single-use proof (`consume`) first. */
  onTaken?: () => Promise<FastifyReply>;
  /** "Remember this browser" was checked: the browser gets its cookie (when REMEMBER_BROWSER_DAYS is not 0). */
  remember?: boolean;
}

/**
 * Finishes a second-factor step for the request's pending session: new session cookie, then where the
 * sign-in was asked to continue (an app's sign-in, src/auth/return-to.ts), otherwise the dashboard.
 * When a concurrent request already used this session, the browser is sent to start over.
 */
export async function finishSecondFactor(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, options: FinishOptions): Promise<FastifyReply> {
  const auth = proven(request, "session");
  const completed = await completeSecondFactor(deps.database.db, deps, auth.session, requestMeta(request), options);
  if (completed === "taken" && options.onTaken) return options.onTaken();
  if (!completed || completed === "taken") return reply.redirect("/login", 303);
  setSessionCookie(reply, deps.config, completed.token);
  const days = deps.config.rememberBrowserDays;
  if (options.remember && days > 0) {
    const remembered = await rememberBrowser(deps.database.db, deps, { userId: auth.user.id, days, meta: requestMeta(request) });
    setRememberCookie(reply, deps.config, remembered.cookieValue, remembered.maxAgeSeconds);
  }
  // Decided again: the app may have been removed while the user was signing in.
  return reply.redirect((await allowedContinuation(deps.database.db, completed.session.return_to)) ?? "/", 303);
}
