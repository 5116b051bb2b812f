import type { FastifyContextConfig, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { savePendingAction, takePendingAction } from "../../auth/pending-action.ts";
import { hasFreshSecondFactor } from "../../auth/step-up.ts";
import type { AppDeps } from "../../deps.ts";
import { proven } from "./access.ts";
import { type StepUpDestination, stepUpQueryString } from "./step-up.guard.ts";

/** What an action reads: the route's parameters and its form, from the request or, once stepped up, as kept. */
export interface ActionInput {
  params: Record<string, string>;
  body: unknown;
  /** True when finishing a kept action after its step-up (its fields are what the action kept, not a form). */
  replayed: boolean;
}
type Guard = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;
export type ActionRun = (request: FastifyRequest, reply: FastifyReply, input: ActionInput) => Promise<unknown>;
interface StepUpAction {
  guard?: Guard | undefined;
  run: ActionRun;
}

declare module "fastify" {
  interface FastifyInstance {
    /** Every step-up-guarded action by name, so a verified step-up can finish the one it interrupted. */
    stepUpActions: Map<string, StepUpAction>;
  }
}

export function registerStepUpActions(app: FastifyInstance): void {
  app.decorate("stepUpActions", new Map<string, StepUpAction>());
}

/**
 * A POST whose change needs a fresh code. `run` checks the rights and the form, then calls
 * stepUpFirst() right before it acts; the same `run`, behind the same guard, finishes it after the step-up.
 */
export function postWithStepUp(app: FastifyInstance, path: string, o: { name: string; config: FastifyContextConfig; guard?: Guard; run: ActionRun }): void {
  if (app.stepUpActions.has(o.name)) throw new Error(`step-up action ${o.name} is registered twice`);
  app.stepUpActions.set(o.name, { guard: o.guard, run: o.run });
  app.post(path, { config: o.config, ...(o.guard ? { preHandler: o.guard } : {}) }, (request, reply) =>
    o.run(request, reply, { params: (request.params ?? {}) as Record<string, string>, body: request.body, replayed: false }),
  );
}

/**
 * false when the session's code is fresh (go on); otherwise the action and its validated fields are kept
 * for this session (never in the URL), the step-up page is sent (it finishes the action once the code
 * is verified) and true is returned: the handler returns `reply`. (A boolean, not the reply: an async
 * function cannot hand back Fastify's thenable reply without awaiting it.)
 */
export async function stepUpFirst(
  deps: AppDeps,
  request: FastifyRequest,
  reply: FastifyReply,
  o: { action: string; params?: Record<string, string>; fields?: Record<string, string>; to: StepUpDestination },
): Promise<boolean> {
  const { session } = proven(request, "full");
  const now = deps.clock.nowMs();
  if (hasFreshSecondFactor(session, now)) return false;
  await savePendingAction(deps.database.db, session.id, now, { action: o.action, params: o.params ?? {}, fields: o.fields ?? {} });
  reply.redirect(`/two-factor/step-up?${stepUpQueryString({ ...o.to, resume: true })}`, 303);
  return true;
}

/**
 * After a verified step-up (the session's code is fresh): takes the pending action and runs it again
 * from the start — its guard, its rights and its form checks — never trusting the kept copy. Any
 * step-up takes it, so it runs at most once; `resume` false (another step-up) only discards it.
 * Returns undefined when there was nothing to finish.
 */
export async function finishPendingAction(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, resume: boolean): Promise<unknown> {
  const pending = await takePendingAction(deps.database.db, proven(request, "full").session.id, deps.clock.nowMs());
  const action = pending && resume ? request.server.stepUpActions.get(pending.action) : undefined;
  if (!pending || !action) return undefined;
  if (action.guard) await action.guard(request, reply);
  if (reply.sent) return reply;
  return action.run(request, reply, { params: pending.params, body: pending.fields, replayed: true });
}
