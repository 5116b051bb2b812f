import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { verifyActiveFactorCode } from "../../auth/factor-code.ts";
import { hashPassword } from "../../auth/password.ts";
import { bindRecoverySession, completePasswordReset, findResetLink, markResetFactorVerified } from "./password-reset.service.ts";
import { maskPhone } from "../../auth/phone.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { createSession } from "../../auth/session.ts";
import { findLatestChallenge } from "../../auth/sms-challenge.ts";
import { findUserById } from "../../auth/user.ts";
import type { OneTimeLink, SecondFactor } from "../../db/schema.ts";
import { newPasswordBody, type NewPasswordErrors, resetFactorCodeBody, resetFactorSendBody } from "./password-reset.view.ts";
import { readCode } from "../../http/forms/code-input.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text, FIELD_MAX_LENGTH } from "../../http/forms/form.ts";
import { codeErrorMessage, codeErrorStatus, MESSAGES } from "../../views/code-messages.ts";
import { checkReplacementPassword } from "../../http/forms/password-choice.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { clearSessionCookie, setSessionCookie } from "../../http/cookies.ts";
import { sendSmsCode } from "../../http/sms-send.ts";
import { proven } from "../../http/guards/access.ts";
import { PASSWORD_RESET_MESSAGES as M } from "./password-reset.messages.ts";
import type { PageText } from "../../views/html.ts";

const TITLE = M.resetTitle;
const passwordForm = formSchema({ password: text(FIELD_MAX_LENGTH, "New password"), confirm: text(FIELD_MAX_LENGTH, "Confirm new password") });
type Params = { Params: { token: string } };

/**
 * The e-mailed link: second factor first (in a "recovery" session bound to the link), then the new
 * password. It never signs anyone in, and a lost second factor is never bypassed here.
 */
const PASSKEY_RESET_MESSAGE = (contact: string) => `Your account signs in with a passkey, which this link cannot check. Contact ${contact} to reset your password.`;

export function passwordResetRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;
  const gone = { code: 410, heading: M.linkGoneHeading, message: M.linkGone, link: { href: "/forgot-password", text: M.forgotLink } };
  const base = (request: FastifyRequest<Params>) => `/reset-password/${encodeURIComponent(request.params.token)}`;

  /** The recovery session of this browser for this link's user, created when a step needs one. */
  async function recoverySession(request: FastifyRequest<Params>, reply: FastifyReply, link: OneTimeLink, bind = true): Promise<string | null> {
    const auth = request.auth;
    let sessionId = auth?.session.stage === "recovery" && auth.user.id === link.user_id ? auth.session.id : null;
    if (!sessionId) {
      const created = await createSession(db, deps, link.user_id!, { stage: "recovery", meta: requestMeta(request) });
      setSessionCookie(reply, config, created.token);
      sessionId = created.session.id;
    }
    if (!bind) return sessionId;
    return (await bindRecoverySession(db, link, sessionId)) ? sessionId : null;
  }

  const boundToMe = (request: FastifyRequest, link: OneTimeLink) => request.auth?.session.stage === "recovery" && link.session_id === request.auth.session.id;

  async function factorPage(request: FastifyRequest<Params>, reply: FastifyReply, link: OneTimeLink, factor: SecondFactor, error: PageText | null, code = 200, notice: PageText | null = null) {
    const action = `${base(request)}/verify`;
    if (factor.kind === "totp") return sendPage(request, reply, config, { title: TITLE, code, body: (csrfToken) => resetFactorCodeBody({ csrfToken, action, method: "totp", error }) });
    // Passkeys on this link are not built yet (issue 18 left it): say so instead of asking for a code.
    if (factor.kind === "webauthn") return sendMessagePage(request, reply, config, { code: 409, heading: TITLE, message: PASSKEY_RESET_MESSAGE(config.supportContact) });
    const maskedPhone = maskPhone(factor.phone_e164!);
    const challenge = boundToMe(request, link) ? await findLatestChallenge(db, proven(request, "recovery").session.id, "password_reset") : undefined;
    if (!challenge) return sendPage(request, reply, config, { title: TITLE, code, body: (csrfToken) => resetFactorSendBody({ csrfToken, action: `${base(request)}/send`, maskedPhone, error }) });
    return sendPage(request, reply, config, {
      title: TITLE,
      code,
      body: (csrfToken) => resetFactorCodeBody({ csrfToken, action, method: "sms", maskedPhone, deadline: { atMs: challenge.expires_at, nowMs: clock.nowMs() }, resendAction: `${base(request)}/send`, error, notice }),
    });
  }

  const passwordPage = (request: FastifyRequest<Params>, reply: FastifyReply, errors: NewPasswordErrors, code = 200) =>
    sendPage(request, reply, config, { title: TITLE, code, body: (csrfToken) => newPasswordBody({ csrfToken, action: `${base(request)}/password`, heading: TITLE, askCurrent: false, errors, submitLabel: M.resetSubmit }) });

  /** Loads the link and what the user must prove; null means the link page says it is gone. */
  async function load(request: FastifyRequest<Params>) {
    const link = await findResetLink(db, clock, request.params.token);
    if (!link?.user_id) return null;
    const factor = await findActiveFactor(db, link.user_id);
    const proven = factor === undefined || (link.factor_verified_at !== null && boundToMe(request, link));
    return { link, factor, proven };
  }

  return async (app: FastifyInstance) => {
    const opts = { config: { access: "recovery" as const } };

    app.get<Params>("/reset-password/:token", opts, async (request, reply) => {
      const state = await load(request);
      if (!state) return sendMessagePage(request, reply, config, gone);
      return state.proven || !state.factor ? passwordPage(request, reply, {}) : factorPage(request, reply, state.link, state.factor, null);
    });

    app.post<Params>("/reset-password/:token/send", { config: { access: "recovery", emptyForm: true } }, async (request, reply) => {
      const state = await load(request);
      if (!state) return sendMessagePage(request, reply, config, gone);
      if (state.factor?.kind !== "sms") return reply.redirect(base(request), 303);
      const sessionId = await recoverySession(request, reply, state.link);
      if (!sessionId) return sendMessagePage(request, reply, config, gone);
      const sent = await sendSmsCode(request, deps, { userId: state.link.user_id!, sessionId, purpose: "password_reset", phoneE164: state.factor.phone_e164! });
      if (!sent.ok && !sent.cooldown) return factorPage(request, reply, state.link, state.factor, sent.message, sent.status);
      return reply.redirect(base(request), 303);
    });

    app.post<Params>("/reset-password/:token/verify", opts, async (request, reply) => {
      const state = await load(request);
      if (!state) return sendMessagePage(request, reply, config, gone);
      if (!state.factor) return reply.redirect(base(request), 303);
      const input = readCode(request.body);
      if (!input.ok) return factorPage(request, reply, state.link, state.factor, input.message, input.status);
      // The link is bound to this session only once its code is right (markResetFactorVerified).
      const sessionId = await recoverySession(request, reply, state.link, false);
      if (!sessionId) return sendMessagePage(request, reply, config, gone);
      if (!(await takeSessionCodeAttempt(db, sessionId))) return factorPage(request, reply, state.link, state.factor, MESSAGES.tooManyCodes, 429);
      const result = await verifyActiveFactorCode(db, deps, { factor: state.factor, sessionId, smsPurpose: "password_reset", code: input.code, meta: requestMeta(request) });
      if (!result.ok) return factorPage(request, reply, state.link, state.factor, codeErrorMessage(result.error), codeErrorStatus(result.error));
      if (!(await markResetFactorVerified(db, state.link, sessionId, clock.nowMs()))) return sendMessagePage(request, reply, config, gone);
      return reply.redirect(base(request), 303);
    });

    app.post<Params>("/reset-password/:token/password", opts, async (request, reply) => {
      const state = await load(request);
      if (!state) return sendMessagePage(request, reply, config, gone);
      if (!state.proven) return reply.redirect(base(request), 303);
      const parsed = parseForm(passwordForm, request.body);
      if (!parsed.ok) return passwordPage(request, reply, { form: parsed.message }, 400);
      const user = await findUserById(db, state.link.user_id!);
      const errors = await checkReplacementPassword(user?.password_hash ?? null, parsed.data.password, parsed.data.confirm);
      if (errors) return passwordPage(request, reply, errors, 400);
      const sessionId = state.factor ? proven(request, "recovery").session.id : await recoverySession(request, reply, state.link);
      if (!sessionId) return sendMessagePage(request, reply, config, gone);
      const passwordHash = await hashPassword(parsed.data.password);
      const done = await completePasswordReset(db, deps, { link: state.link, sessionId, factorRequired: state.factor !== undefined, passwordHash, meta: requestMeta(request) });
      if (!done) return sendMessagePage(request, reply, config, gone);
      clearSessionCookie(reply, config);
      return reply.redirect("/login?notice=password-reset", 303);
    });
  };
}
