import type { FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import { ID_PATTERN } from "../../auth/ids.ts";
import { hasFreshSecondFactor } from "../../auth/step-up.ts";
import type { AppDeps } from "../../deps.ts";

/** Where to continue once the step-up succeeds (a closed list: never an arbitrary URL). */
export const STEP_UP_TARGETS = ["manage", "setup-app", "setup-sms", "fallback", "admin", "password", "apps", "recovery-codes", "setup-passkey", "passkeys"] as const;
export type StepUpTarget = (typeof STEP_UP_TARGETS)[number];

/** A target, and for "admin" the user whose page the agent returns to (an id, never a path). */
export interface StepUpDestination {
  then: StepUpTarget;
  userId?: string | undefined;
  /** The step-up interrupted an action kept for this session (pending-action.ts): finish it once verified. */
  resume?: boolean | undefined;
}

/** Reads ?then=…&user=…; anything unknown falls back to the manage page rather than failing. */
export const stepUpQuery = z.object({
  then: z.enum(STEP_UP_TARGETS).catch("manage"),
  user: z.string().regex(ID_PATTERN).optional().catch(undefined),
  resume: z.literal("1").optional().catch(undefined),
});

export function parseStepUpQuery(query: unknown): StepUpDestination {
  const { then, user, resume } = stepUpQuery.parse(query ?? {});
  return { then, ...(then === "admin" && user ? { userId: user } : {}), ...(resume ? { resume: true } : {}) };
}

/** The query string that carries a destination through the step-up pages. */
export function stepUpQueryString(destination: StepUpDestination): string {
  const user = destination.userId ? `&user=${destination.userId}` : "";
  return `then=${destination.then}${user}${destination.resume ? "&resume=1" : ""}`;
}

export function stepUpUrl(then: StepUpTarget, userId?: string): string {
  return `/two-factor/step-up?${stepUpQueryString({ then, userId })}`;
}

/** Where the step-up leads back to (starting an app set-up is done by the step-up route itself). */
export function stepUpReturnPath(destination: StepUpDestination): string {
  switch (destination.then) {
    case "setup-app":
      return "/two-factor/setup/app";
    case "setup-sms":
      return "/two-factor/setup/sms";
    case "setup-passkey":
      return "/two-factor/setup/passkey";
    case "passkeys":
      return "/two-factor/passkeys";
    case "fallback":
      return "/two-factor/fallback";
    case "admin":
      return destination.userId ? `/admin/users/${destination.userId}` : "/admin";
    case "password":
      return "/account/password";
    case "apps":
      return "/admin/apps";
    case "manage":
    case "recovery-codes":
      return "/two-factor";
  }
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
