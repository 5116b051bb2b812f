import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { guardSecondFactor } from "../../auth/factor-code.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { verifySmsChallenge } from "../../auth/sms-challenge.ts";
import { setFlash } from "../../auth/step-up.ts";
import { normalizeCode } from "../../auth/totp.ts";
import { resetTwoFactor } from "../../auth/two-factor-reset.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { CODE_FIELD_MAX_LENGTH } from "../../http/forms/code-input.ts";
import { codeErrorMessage, codeErrorStatus } from "../../views/code-messages.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { sendSmsCode } from "../../http/sms-send.ts";
import { sendVerifyPage } from "./verify-page.ts";
import { proven } from "../../http/guards/access.ts";
import { SECOND_FACTOR_MESSAGES } from "./second-factor.messages.ts";
import type { PageText } from "../../views/html.ts";

const resetForm = formSchema({ reset_code: text(CODE_FIELD_MAX_LENGTH, "The reset code") });

/**
 * Reset Two-Factor with the fallback phone. Only a session that has just passed the password (pending)
 * may do it; the code is bound to that session, valid 10 minutes, single use, 5 tries.
 */
export function resetRoutes(deps: AppDeps) {
  const { database, clock } = deps;
  const db = database.db;

  async function dialog(request: FastifyRequest, reply: FastifyReply, reset: { error?: PageText | null; notice?: PageText | null }, code = 200) {
    const factor = await findActiveFactor(db, proven(request, "pending").user.id);
    if (!factor) return reply.redirect("/two-factor/setup", 303);
    return sendVerifyPage(request, reply, deps, { factor, code, reset: { open: true, ...reset } });
  }

  const audit = (request: FastifyRequest, type: "two_factor.reset_requested" | "two_factor.reset_failed") => {
    const meta = requestMeta(request);
    const userId = proven(request, "pending").user.id;
    return recordAuditEvent(db, deps, { type, actorUserId: userId, subjectUserId: userId, ip: meta.ip, userAgent: meta.userAgent });
  };

  // Reset is for a user who has a method to lose: a session that already reset (or never set one up)
  // is in set-up, and may not send reset codes (SMS cost) or reset again.
  const inSetup = async (request: FastifyRequest) => !(await findActiveFactor(db, proven(request, "pending").user.id));

  return async (app: FastifyInstance) => {
    const opts = { config: { access: "pending" as const } };

    // Without JavaScript this is the dialog as a page of its own; with it, the dialog opens in place.
    app.get("/two-factor/reset", opts, async (request, reply) => dialog(request, reply, {}));

    app.post("/two-factor/reset/send", { config: { access: "pending", emptyForm: true } }, async (request, reply) => {
      if (await inSetup(request)) return reply.redirect("/two-factor/setup", 303);
      const auth = proven(request, "pending");
      const fallback = auth.user.fallback_phone_e164;
      if (!fallback) return dialog(request, reply, {});
      const sent = await sendSmsCode(request, deps, { userId: auth.user.id, sessionId: auth.session.id, purpose: "reset", phoneE164: fallback });
      if (!sent.ok) return dialog(request, reply, sent.cooldown ? { notice: sent.message } : { error: sent.message }, sent.status);
      await audit(request, "two_factor.reset_requested");
      return reply.redirect("/two-factor/reset", 303);
    });

    app.post("/two-factor/reset", opts, async (request, reply) => {
      if (await inSetup(request)) return reply.redirect("/two-factor/setup", 303);
      const auth = proven(request, "pending");
      const form = parseForm(resetForm, request.body);
      if (!form.ok) return dialog(request, reply, { error: form.message }, 400);
      const code = normalizeCode(form.data.reset_code);
      if (!code) return dialog(request, reply, { error: SECOND_FACTOR_MESSAGES.resetCodeFormat }, 400);
      const result = await guardSecondFactor(db, deps, { userId: auth.user.id, meta: requestMeta(request) }, () => verifySmsChallenge(db, clock, auth.session.id, "reset", code));
      if (!result.ok) {
        await audit(request, "two_factor.reset_failed");
        return dialog(request, reply, { error: result.error === "expired" ? SECOND_FACTOR_MESSAGES.resetCodeExpired : codeErrorMessage(result.error) }, codeErrorStatus(result.error));
      }
      await resetTwoFactor(db, deps, { userId: auth.user.id, actor: { kind: "self" }, keepSessionId: auth.session.id, meta: requestMeta(request) });
      await setFlash(db, auth.session.id, SECOND_FACTOR_MESSAGES.resetDone);
      return reply.redirect("/two-factor/setup", 303);
    });
  };
}
