import type { FastifyRequest } from "fastify";
import type { ValidSession } from "../../auth/session.ts";
import type { Session, SessionStage } from "../../db/schema.ts";

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

/** A session whose stage is known: what a route's guard proved about its request. */
export type SessionAt<S extends SessionStage> = ValidSession & { session: Session & { stage: S } };

/** The session each access level guarantees once the guard has let a request through. */
export interface ProvenAccess {
  pending: SessionAt<"pending">;
  full: SessionAt<"full">;
  session: SessionAt<"pending" | "full">;
  recovery: SessionAt<"recovery">;
}

const STAGES: Record<keyof ProvenAccess, readonly SessionStage[]> = {
  pending: ["pending"],
  full: ["full"],
  session: ["pending", "full"],
  recovery: ["recovery"],
};

/**
 * The session and user a route's guard proved, typed by its access level: handlers read
 * `const { user, session } = proven(request, "full")` instead of asserting `request.auth` non-null.
 * Only a route whose declared access does not match `level` can throw here: a programming error.
 */
export function proven<L extends keyof ProvenAccess>(request: FastifyRequest, level: L): ProvenAccess[L] {
  const auth = request.auth;
  if (!auth || !STAGES[level].includes(auth.session.stage)) {
    throw new Error(`route ${request.routeOptions.url ?? request.url} asked for a ${level} session its guard does not prove`);
  }
  return auth as ProvenAccess[L];
}
