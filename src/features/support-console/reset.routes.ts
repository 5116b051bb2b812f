import type { FastifyInstance } from "fastify";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { setFlash } from "../../auth/step-up.ts";
import { isIdentityCheck, parseResetReason, RESET_REASON_MAX_LENGTH, RESET_REASON_MIN_LENGTH } from "../../auth/support-reset.ts";
import { resetTwoFactor } from "../../auth/two-factor-reset.ts";
import { supportResetRefusal } from "./user-admin.service.ts";
import type { ResetFormState } from "./user-actions.view.ts";
import { findTargetUser, requireStaff } from "./admin.guard.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { sendMessagePage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { stepUpFirst, postWithStepUp } from "../../http/guards/pending-action.ts";
import { sendAdminUserPage } from "./user-page.ts";
import { proven } from "../../http/guards/access.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";

// Both optional so that a missing choice is a message next to the field, not "the form is malformed".
const resetForm = formSchema({ identity_check: text(64).optional(), reason: text(2 * RESET_REASON_MAX_LENGTH).optional() });

const REFUSALS = { own_account: M.resetOwnAccount, outranked: M.resetOutranked } as const;

/**
 * Support reset (PORTAL.md "Support reset"): rights → identity check and reason → the agent's own
 * fresh code (the checked form kept meanwhile, then finished without re-typing) → reset in one transaction (factors removed, sessions ended, audited, user e-mailed).
 */
export function adminResetRoutes(deps: AppDeps) {
  const { config, database } = deps;
  return async (app: FastifyInstance) => {
    postWithStepUp(app, "/admin/users/:id/reset-2fa", { name: "admin.reset-2fa", config: { access: "full" }, guard: requireStaff(deps), run: async (request, reply, input) => {
      const agent = proven(request, "full");
      const target = await findTargetUser(deps, request, reply, input.params);
      if (!target) return reply;
      const userPage = `/admin/users/${target.id}`;
      const refusal = supportResetRefusal(agent.user, target);
      if (refusal) return sendMessagePage(request, reply, config, { code: 403, heading: M.resetRefusedHeading, message: REFUSALS[refusal], link: { href: userPage, text: M.backTo(target.display_name) } });
      const parsed = parseForm(resetForm, input.body);
      if (!parsed.ok) return sendAdminUserPage(request, reply, deps, target, { code: 400, reset: { errors: { form: parsed.message } } });
      const { identity_check: identityCheck = "", reason: typedReason = "" } = parsed.data;
      const reason = parseResetReason(typedReason);
      if (!isIdentityCheck(identityCheck) || reason === null) {
        const errors: ResetFormState["errors"] = {
          ...(isIdentityCheck(identityCheck) ? {} : { identityCheck: M.identityCheckMissing }),
          ...(reason !== null ? {} : { reason: M.reasonInvalid(RESET_REASON_MIN_LENGTH, RESET_REASON_MAX_LENGTH) }),
        };
        return sendAdminUserPage(request, reply, deps, target, { code: 400, reset: { identityCheck, reason: typedReason, errors } });
      }
      // The agent's own fresh code; the checked form is kept meanwhile and the reset done once it is verified.
      if (await stepUpFirst(deps, request, reply, { action: "admin.reset-2fa", params: { id: target.id }, fields: { identity_check: identityCheck, reason }, to: { then: "admin", userId: target.id } })) return reply;

      if (!(await findActiveFactor(database.db, target.id))) {
        return sendMessagePage(request, reply, config, { code: 409, heading: M.nothingToResetHeading, message: M.noMethod(target.display_name), link: { href: userPage, text: M.backTo(target.display_name) } });
      }
      await resetTwoFactor(database.db, deps, {
        userId: target.id,
        actor: { kind: "support", agentId: agent.user.id, identityCheck, reason },
        keepSessionId: null,
        meta: requestMeta(request),
      });
      await setFlash(database.db, agent.session.id, M.resetDone(target.display_name));
      return reply.redirect(userPage, 303);
    } });
  };
}
