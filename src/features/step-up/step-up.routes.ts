import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { verifyActiveFactorCode } from "../../auth/factor-code.ts";
import { maskPhone } from "../../auth/phone.ts";
import { findActiveFactor, startTotpSetup, startWebauthnSetup } from "../../auth/second-factor.ts";
import { findLatestChallenge } from "../../auth/sms-challenge.ts";
import { recordStepUp } from "../../auth/step-up.ts";
import { peekPendingAction } from "../../auth/pending-action.ts";
import { finishPendingAction } from "../../http/guards/pending-action.ts";
import type { SecondFactor } from "../../db/schema.ts";
import { stepUpCodeBody, stepUpPasskeyBody, stepUpSendBody } from "./step-up.view.ts";
import { authenticationOptions, relyingParty } from "../passkeys/passkeys.service.ts";
import { checkPasskeyAnswer } from "../passkeys/passkey-sign-in.routes.ts";
import { passkeyForm } from "../passkeys/passkeys.view.ts";
import { PASSKEY_MESSAGES } from "../passkeys/passkeys.messages.ts";
import { readCode } from "../../http/forms/code-input.ts";
import type { AppDeps } from "../../deps.ts";
import { codeErrorMessage, codeErrorStatus, MESSAGES } from "../../views/code-messages.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { sendSmsCode } from "../../http/sms-send.ts";
import { parseStepUpQuery, type StepUpDestination, stepUpQueryString, stepUpReturnPath } from "../../http/guards/step-up.guard.ts";
import { proven } from "../../http/guards/access.ts";
import { STEP_UP_MESSAGES } from "./step-up.messages.ts";
import { showNewRecoveryCodes } from "../recovery-codes/recovery-codes.routes.ts";
import type { PageText } from "../../views/html.ts";

const TITLE = STEP_UP_MESSAGES.title;

/** Step-up: a fresh code from the current method before any change to how the user signs in. */
export function stepUpRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;

  async function page(request: FastifyRequest, reply: FastifyReply, factor: SecondFactor, to: StepUpDestination, error: PageText | null, code = 200) {
    const action = `/two-factor/step-up?${stepUpQueryString(to)}`;
    // Cancelling leads back where the agent came from: a support action is not "changing how you sign in".
    const purpose = to.then === "admin" || to.then === "apps" ? { purpose: await adminPurpose(proven(request, "full").session.id), cancelHref: stepUpReturnPath(to) } : {};
    if (factor.kind === "webauthn") {
      const auth = proven(request, "full");
      const options = await authenticationOptions(db, deps, relyingParty(config), { userId: auth.user.id, sessionId: auth.session.id });
      return sendPage(request, reply, config, { title: TITLE, code, body: (csrfToken) => stepUpPasskeyBody({ form: passkeyForm({ csrfToken, action, mode: "authenticate", options, button: "Use passkey", error }), ...purpose }) });
    }
    if (factor.kind === "totp") return sendPage(request, reply, config, { title: TITLE, code, body: (csrfToken) => stepUpCodeBody({ csrfToken, action, method: "totp", error, ...purpose }) });
    const maskedPhone = maskPhone(factor.phone_e164!);
    const challenge = await findLatestChallenge(db, proven(request, "full").session.id, "step_up");
    const sendAction = `/two-factor/step-up/send?${stepUpQueryString(to)}`;
    if (!challenge) return sendPage(request, reply, config, { title: TITLE, code, body: (csrfToken) => stepUpSendBody({ csrfToken, action: sendAction, maskedPhone, error, ...purpose }) });
    return sendPage(request, reply, config, {
      title: TITLE,
      code,
      body: (csrfToken) =>
        stepUpCodeBody({ csrfToken, action, method: "sms", maskedPhone, deadline: { atMs: challenge.expires_at, nowMs: clock.nowMs() }, error, resendAction: sendAction, ...purpose }),
    });
  }

  /** A support reset, or another change to someone else's account (the action kept for this session says which). */
  async function adminPurpose(sessionId: string): Promise<"admin" | "admin_account"> {
    const pending = await peekPendingAction(db, sessionId, clock.nowMs());
    return pending === null || pending === "admin.reset-2fa" ? "admin" : "admin_account";
  }

  /** Where the step-up leads: starting an app set-up is done here, in a POST, never on a GET. */
  async function proceed(request: FastifyRequest, reply: FastifyReply, to: StepUpDestination) {
    const auth = proven(request, "full");
    if (to.then === "setup-app") await startTotpSetup(db, deps, auth.user.id, auth.session.id);
    if (to.then === "setup-passkey") await startWebauthnSetup(db, deps, auth.user.id, auth.session.id);
    // The codes are shown in this response: they are never stored in a form that could be shown again.
    if (to.then === "recovery-codes") return showNewRecoveryCodes(request, reply, deps);
    return reply.redirect(stepUpReturnPath(to), 303);
  }

  return async (app: FastifyInstance) => {
    const opts = { config: { access: "full" as const } };

    app.get("/two-factor/step-up", opts, async (request, reply) => {
      const to = parseStepUpQuery(request.query);
      const factor = await findActiveFactor(db, proven(request, "full").user.id);
      if (!factor) return reply.redirect("/two-factor", 303);
      return page(request, reply, factor, to, null);
    });

    app.post("/two-factor/step-up/send", { config: { access: "full", emptyForm: true } }, async (request, reply) => {
      const to = parseStepUpQuery(request.query);
      const auth = proven(request, "full");
      const factor = await findActiveFactor(db, auth.user.id);
      if (factor?.kind !== "sms") return reply.redirect(`/two-factor/step-up?${stepUpQueryString(to)}`, 303);
      const sent = await sendSmsCode(request, deps, { userId: auth.user.id, sessionId: auth.session.id, purpose: "step_up", phoneE164: factor.phone_e164! });
      if (!sent.ok) return page(request, reply, factor, to, sent.message, sent.status);
      return reply.redirect(`/two-factor/step-up?${stepUpQueryString(to)}`, 303);
    });

    app.post("/two-factor/step-up", opts, async (request, reply) => {
      const to = parseStepUpQuery(request.query);
      const auth = proven(request, "full");
      const factor = await findActiveFactor(db, auth.user.id);
      if (!factor) return reply.redirect("/two-factor", 303);
      const meta = requestMeta(request);
      const audit = (type: "two_factor.step_up" | "two_factor.step_up_failed") =>
        recordAuditEvent(db, deps, { type, actorUserId: auth.user.id, subjectUserId: auth.user.id, ip: meta.ip, userAgent: meta.userAgent, detail: { method: factor.kind } });
      if (factor.kind === "webauthn") {
        const answer = await checkPasskeyAnswer(request, deps, { userId: auth.user.id, sessionId: auth.session.id });
        if (answer.result !== "ok") {
          await audit("two_factor.step_up_failed");
          return page(request, reply, factor, to, answer.result === "counter" ? PASSKEY_MESSAGES.counter : PASSKEY_MESSAGES.refused, 400);
        }
        await recordStepUp(db, auth.session.id, clock.nowMs());
        await audit("two_factor.step_up");
        return proceed(request, reply, to);
      }
      const input = readCode(request.body);
      if (!input.ok) return page(request, reply, factor, to, input.message, input.status);
      if (!(await takeSessionCodeAttempt(db, auth.session.id))) {
        await audit("two_factor.step_up_failed");
        return page(request, reply, factor, to, MESSAGES.tooManyCodes, 429);
      }
      const result = await verifyActiveFactorCode(db, deps, { factor, sessionId: auth.session.id, smsPurpose: "step_up", code: input.code, meta: requestMeta(request) });
      if (!result.ok) {
        await audit("two_factor.step_up_failed");
        return page(request, reply, factor, to, codeErrorMessage(result.error), codeErrorStatus(result.error));
      }
      await recordStepUp(db, auth.session.id, clock.nowMs());
      await audit("two_factor.step_up");
      // This request now carries the fresh code it just proved; the interrupted action, if any, finishes here.
      request.auth = { ...auth, session: { ...auth.session, second_factor_at: clock.nowMs(), code_attempts: 0 } };
      const finished = await finishPendingAction(deps, request, reply, to.resume === true);
      if (finished !== undefined) return finished;
      return proceed(request, reply, to);
    });
  };
}
