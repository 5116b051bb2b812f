import type { FastifyReply, FastifyRequest } from "fastify";
import { applyFactorChange, type FactorChange } from "./factor-change.service.ts";
import { findPendingFactor, hasExpiredPendingFactor } from "../../auth/second-factor.ts";
import { hasFreshSecondFactor, setFlash } from "../../auth/step-up.ts";
import type { SecondFactor, SecondFactorKind } from "../../db/schema.ts";
import { setupOptionsBody } from "./setup-options.view.ts";
import { finishSecondFactor } from "../../http/complete-sign-in.ts";
import type { AppDeps } from "../../deps.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { type StepUpTarget, stepUpUrl } from "../../http/guards/step-up.guard.ts";
import { proven } from "../../http/guards/access.ts";
import { SETUP_MESSAGES } from "./setup.messages.ts";

/**
 * Who may set up a method:
 * - a session pending its second factor, only while the user has none (forced set-up). A session that
 *   has passed only the password must never add a factor to an account that has one;
 * - a full session, only with its current factor proven in the last 5 minutes (step-up); the routes that
 *   finish a set-up (`continuing`) also serve the session that started it then, within the set-up's own time;
 *   with `stepUpInHandler` a stale full session goes through to a handler that checks its form first and
 *   then keeps it through the step-up (stepUpFirst), so nothing is re-typed.
 */
export function requireSetupAllowed(deps: AppDeps, then: StepUpTarget, continuing?: SecondFactorKind, stepUpInHandler = false) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const auth = request.auth;
    if (!auth) return reply.redirect("/login", 303);
    if (auth.session.stage === "full") {
      if (stepUpInHandler || hasFreshSecondFactor(auth.session, deps.clock.nowMs())) return undefined;
      // A set-up this session started (only a fresh session can) is finished within its own time limit, like the fallback phone's.
      if (continuing && (await hasOwnPendingFactor(deps, auth.session.id, continuing))) return undefined;
      return reply.redirect(stepUpUrl(then), 303);
    }
    // A pending session with a method proves it; only one without may set one up.
    if (auth.activeMethod) return reply.redirect("/two-factor/verify", 303);
    return undefined;
  };
}

async function hasOwnPendingFactor(deps: AppDeps, sessionId: string, kind: SecondFactorKind): Promise<boolean> {
  const { database, clock } = deps;
  return (await findPendingFactor(database.db, clock, sessionId, kind)) !== undefined || (await hasExpiredPendingFactor(database.db, clock, sessionId, kind));
}

/** A set-up that cannot go on: say why where the user chooses a method again. */
export async function restartSetup(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, message: string, code: number): Promise<FastifyReply> {
  const auth = proven(request, "session");
  if (auth.session.stage === "full") {
    await setFlash(deps.database.db, auth.session.id, message);
    return reply.redirect("/two-factor", 303);
  }
  return sendPage(request, reply, deps.config, { title: SETUP_MESSAGES.manageTitle, code, body: (csrfToken) => setupOptionsBody({ csrfToken, error: message }) });
}

const CHANGE_MESSAGES: Record<FactorChange, (kind: SecondFactor["kind"]) => string> = {
  "two_factor.setup": () => SETUP_MESSAGES.setupDone,
  "two_factor.key_replaced": () => SETUP_MESSAGES.appReplaced,
  "two_factor.phone_changed": () => SETUP_MESSAGES.phoneChanged,
  "two_factor.switched": (kind) => (kind === "totp" ? SETUP_MESSAGES.switchedToApp : kind === "sms" ? SETUP_MESSAGES.switchedToSms : SETUP_MESSAGES.switchedToPasskey),
};

/** A set-up's first code is verified: a pending session signs in; a full one switches its method. */
export async function finishSetup(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, factor: SecondFactor, totpStep: number | null): Promise<FastifyReply> {
  const auth = proven(request, "session");
  if (auth.session.stage === "pending") return finishSecondFactor(request, reply, deps, { method: factor.kind, activate: { factor, totpStep }, flash: SETUP_MESSAGES.setupDone });
  const change = await applyFactorChange(deps.database.db, deps, { factor, totpStep, sessionId: auth.session.id, meta: requestMeta(request) });
  if (change) await setFlash(deps.database.db, auth.session.id, CHANGE_MESSAGES[change](factor.kind));
  return reply.redirect("/two-factor", 303);
}
