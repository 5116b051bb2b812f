import type { FastifyReply, FastifyRequest } from "fastify";
import { hasFreshSecondFactor } from "../auth/step-up.ts";
import type { AppDeps } from "./deps.ts";

/** Where to continue once the step-up succeeds (a closed list: never an arbitrary URL). */
export const STEP_UP_TARGETS = ["manage", "setup-app", "setup-sms", "fallback"] as const;
export type StepUpTarget = (typeof STEP_UP_TARGETS)[number];

export function stepUpUrl(then: StepUpTarget): string {
  return `/two-factor/step-up?then=${then}`;
}

/** A full session may change its factors only with the current factor proven in the last 5 minutes. */
export function requireFreshSecondFactor(deps: AppDeps, then: StepUpTarget) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const auth = request.auth;
    if (!auth) return reply.redirect("/login", 303);
    if (!hasFreshSecondFactor(auth.session, deps.clock.nowMs())) return reply.redirect(stepUpUrl(then), 303);
    return undefined;
  };
}
