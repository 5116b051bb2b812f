import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { validateSessionToken, type ValidSession } from "../../auth/session.ts";
import type { AppDeps } from "../../deps.ts";
import { clearSessionCookie, sessionCookieName, setSignInNotice } from "../cookies.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The request carried a session cookie that no longer opens a session (signed out elsewhere or expired). */
    sessionEnded: boolean;
  }
}

/** Where a session that has passed only the password must go: the second-factor pages. */
export type SecondFactorHome = (auth: ValidSession) => string;

/**
 * Resolves the session on every request, then enforces the route's `access` (default: full).
 * A pending session is sent back to its second-factor page from every other URL, unknown ones too.
 */
export function registerAuthGuard(app: FastifyInstance, deps: AppDeps, secondFactorHome: SecondFactorHome): void {
  app.decorateRequest("auth", null);
  app.decorateRequest("sessionEnded", false);

  app.addHook("onRequest", async (request, reply) => {
    const token = request.cookies[sessionCookieName(deps.config)];
    if (!token) return;
    request.auth = await validateSessionToken(deps.database.db, deps.clock, token);
    if (!request.auth) {
      clearSessionCookie(reply, deps.config);
      request.sessionEnded = true;
    }
  });

  app.addHook("preHandler", async (request, reply) => {
    // Signed out elsewhere (another device, support, expiry): the sign-in page says so once.
    const toSignIn = () => {
      if (request.sessionEnded) setSignInNotice(reply, deps.config, "session-ended");
      return reply.redirect("/login", 303);
    };
    return enforceAccess(request, reply, secondFactorHome, toSignIn);
  });
}

async function enforceAccess(request: FastifyRequest, reply: FastifyReply, secondFactorHome: SecondFactorHome, toSignIn: () => FastifyReply): Promise<unknown> {
  const access = request.routeOptions.config.access ?? "full";
  if (request.auth?.session.stage === "recovery" && access !== "recovery") request.auth = null;
  const auth = request.auth;
  if (request.is404) {
    return auth?.session.stage === "pending" ? reply.redirect(secondFactorHome(auth), 303) : undefined;
  }
  if (access === "public" || access === "recovery") return undefined;
  if (!auth) return toSignIn();
  if (access === "pending" && auth.session.stage === "full") return reply.redirect("/", 303);
  if (access === "full" && auth.session.stage === "pending") return reply.redirect(secondFactorHome(auth), 303);
  return undefined;
}
