import type { FastifyReply, FastifyRequest } from "fastify";
import { listLiveSessions } from "../../auth/user-sessions.ts";
import { listSecurityEvents, toUserSummary } from "./console.service.ts";
import { maskPhone } from "../../auth/phone.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { hasFreshSecondFactor } from "../../auth/step-up.ts";
import { supportResetRefusal } from "./user-admin.service.ts";
import type { User } from "../../db/schema.ts";
import type { ResetFormState } from "./user-actions.view.ts";
import { adminUserBody } from "./user.view.ts";
import type { AppDeps } from "../../deps.ts";
import { sendPage } from "../../http/render.ts";
import { proven } from "../../http/guards/access.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";

export interface UserPageOptions {
  code?: number;
  status?: string | null;
  reset?: ResetFormState;
  roleError?: string | null;
  emailForm?: { value: string; error: string } | null;
}

/** Renders a user's console page for the signed-in agent; forms that failed come back here with their errors. */
export async function sendAdminUserPage(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, target: User, options: UserPageOptions = {}): Promise<FastifyReply> {
  const db = deps.database.db;
  const agent = proven(request, "full");
  const [factor, sessions, events] = await Promise.all([findActiveFactor(db, target.id), listLiveSessions(db, deps.clock, target.id), listSecurityEvents(db, target.id)]);
  return sendPage(request, reply, deps.config, {
    title: M.userTitle(target.display_name),
    code: options.code ?? 200,
    status: options.status ?? null,
    body: (csrfToken) =>
      adminUserBody({
        csrfToken,
        // Only what the page shows: never the password hash, even into the view.
        user: toUserSummary(target),
        method: !factor ? null : factor.kind === "sms" ? { kind: "sms", maskedPhone: maskPhone(factor.phone_e164!) } : { kind: factor.kind },
        maskedFallback: target.fallback_phone_e164 ? maskPhone(target.fallback_phone_e164) : null,
        sessions,
        events,
        target: { id: target.id, email: target.email, role: target.role, disabled: target.disabled_at !== null, hasMethod: factor !== undefined },
        agent: {
          isAdmin: agent.user.role === "admin",
          isSelf: agent.user.id === target.id,
          resetRefusal: supportResetRefusal(agent.user, target),
          stepUpFresh: hasFreshSecondFactor(agent.session, deps.clock.nowMs()),
        },
        reset: options.reset ?? {},
        roleError: options.roleError ?? null,
        emailForm: options.emailForm ?? null,
      }),
  });
}
