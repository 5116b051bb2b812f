import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { changeFallbackPhone } from "./fallback-phone.service.ts";
import { maskPhone, parsePhoneNumber, PHONE_FIELD_MAX_LENGTH } from "../../auth/phone.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { findLatestChallenge, RESEND_COOLDOWN_MS, verifySmsChallenge } from "../../auth/sms-challenge.ts";
import { setFlash, STEP_UP_WINDOW_MS } from "../../auth/step-up.ts";
import type { Session, SmsChallenge } from "../../db/schema.ts";
import { fallbackPhoneBody } from "./fallback-phone.view.ts";
import { smsCodeBody } from "../../views/sms-code-form.ts";
import { readCode } from "../../http/forms/code-input.ts";
import type { AppDeps } from "../../deps.ts";
import { emptyFormSchema, formSchema, parseForm, text } from "../../http/forms/form.ts";
import { MESSAGES, PHONE_ERRORS } from "../../views/code-messages.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { sendSmsCode } from "../../http/sms-send.ts";
import { requireFreshSecondFactor } from "../../http/guards/step-up.guard.ts";
import { proven } from "../../http/guards/access.ts";
import { postWithStepUp, stepUpFirst } from "../../http/guards/pending-action.ts";
import { FALLBACK_PHONE_MESSAGES } from "./fallback-phone.messages.ts";
import type { PageText } from "../../views/html.ts";

const phoneForm = formSchema({ phone: text(PHONE_FIELD_MAX_LENGTH, "Fallback phone number") });

/** The fallback phone: saved only once a code sent to it is verified; changes need a fresh step-up. */
export function fallbackRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;

  const phonePage = (request: FastifyRequest, reply: FastifyReply, o: { phone?: string; error?: string | null; formError?: PageText | null }, code = 200) =>
    sendPage(request, reply, config, {
      title: FALLBACK_PHONE_MESSAGES.fallbackTitle,
      code,
      body: (csrfToken) => fallbackPhoneBody({ csrfToken, changing: proven(request, "full").user.fallback_phone_e164 !== null, ...o }),
    });

  const codePage = (request: FastifyRequest, reply: FastifyReply, challenge: SmsChallenge, error: PageText | null, code = 200, notice: PageText | null = null) =>
    sendPage(request, reply, config, {
      title: FALLBACK_PHONE_MESSAGES.fallbackVerifyTitle,
      code,
      body: (csrfToken) =>
        smsCodeBody({
          heading: FALLBACK_PHONE_MESSAGES.fallbackVerifyTitle,
          csrfToken,
          maskedPhone: maskPhone(challenge.phone_e164),
          verifyAction: "/two-factor/fallback/verify",
          resendAction: "/two-factor/fallback/resend",
          deadline: { atMs: challenge.expires_at, nowMs: clock.nowMs() },
          resendAvailableAtMs: challenge.created_at + RESEND_COOLDOWN_MS,
          nowMs: clock.nowMs(),
          error,
          notice,
        }),
    });

  const send = (request: FastifyRequest, phoneE164: string) =>
    sendSmsCode(request, deps, { userId: proven(request, "full").user.id, sessionId: proven(request, "full").session.id, purpose: "fallback", phoneE164 });

  return async (app: FastifyInstance) => {
    const fresh = { config: { access: "full" as const }, preHandler: requireFreshSecondFactor(deps, "fallback") };
    const full = { config: { access: "full" as const } };

    app.get("/two-factor/fallback", fresh, async (request, reply) => phonePage(request, reply, {}));

    // Typed after the step-up window: the number is kept through the step-up and its code sent once verified.
    postWithStepUp(app, "/two-factor/fallback/send", { name: "fallback.send", ...full, run: async (request, reply, input) => {
      const form = parseForm(phoneForm, input.body);
      if (!form.ok) return phonePage(request, reply, { formError: form.message }, 400);
      const phone = parsePhoneNumber(form.data.phone);
      if (!phone.ok) return phonePage(request, reply, { phone: form.data.phone, error: PHONE_ERRORS[phone.reason] }, 400);
      const active = await findActiveFactor(db, proven(request, "full").user.id);
      if (active?.phone_e164 === phone.e164) return phonePage(request, reply, { phone: form.data.phone, error: FALLBACK_PHONE_MESSAGES.fallbackSameAsPrimary }, 400);
      if (await stepUpFirst(deps, request, reply, { action: "fallback.send", fields: { phone: phone.e164 }, to: { then: "fallback" } })) return reply;
      const sent = await send(request, phone.e164);
      if (!sent.ok) return phonePage(request, reply, { phone: form.data.phone, formError: sent.message }, sent.status);
      return reply.redirect("/two-factor/fallback/verify", 303);
    } });

    app.get("/two-factor/fallback/verify", full, async (request, reply) => {
      const challenge = await findLatestChallenge(db, proven(request, "full").session.id, "fallback");
      if (!challenge) return reply.redirect("/two-factor/fallback", 303);
      return codePage(request, reply, challenge, null);
    });

    app.post("/two-factor/fallback/resend", { config: { access: "full", emptyForm: true } }, async (request, reply) => {
      const challenge = await findLatestChallenge(db, proven(request, "full").session.id, "fallback");
      if (!challenge) return reply.redirect("/two-factor/fallback", 303);
      // A resend starts a new 10-minute code: only inside the step-up window (else step up, then it is sent).
      if (await stepUpFirst(deps, request, reply, { action: "fallback.send", fields: { phone: challenge.phone_e164 }, to: { then: "fallback" } })) return reply;
      const sent = await send(request, challenge.phone_e164);
      if (!sent.ok) return sent.cooldown ? codePage(request, reply, challenge, null, sent.status, sent.message) : codePage(request, reply, challenge, sent.message, sent.status);
      return reply.redirect("/two-factor/fallback/verify", 303);
    });

    app.post("/two-factor/fallback/verify", full, async (request, reply) => {
      const auth = proven(request, "full");
      const challenge = await findLatestChallenge(db, auth.session.id, "fallback");
      // Only a code sent inside the step-up window saves a number (within its own 10 minutes).
      if (!challenge || !sentInsideStepUpWindow(auth.session, challenge)) return reply.redirect("/two-factor/fallback", 303);
      const input = readCode(request.body);
      if (!input.ok) return codePage(request, reply, challenge, input.message, input.status);
      if (!(await takeSessionCodeAttempt(db, auth.session.id))) return codePage(request, reply, challenge, MESSAGES.tooManyCodes, 429);
      const result = await verifySmsChallenge(db, clock, auth.session.id, "fallback", input.code);
      if (!result.ok) {
        const message = result.error === "expired" ? MESSAGES.setupExpired : result.error === "too_many" ? MESSAGES.tooManyCodes : MESSAGES.codeWrong;
        return codePage(request, reply, challenge, message, result.error === "too_many" ? 429 : 400);
      }
      const previous = auth.user.fallback_phone_e164;
      await changeFallbackPhone(db, deps, { userId: auth.user.id, sessionId: auth.session.id, previous, next: challenge.phone_e164, meta: requestMeta(request) });
      await setFlash(db, auth.session.id, previous ? FALLBACK_PHONE_MESSAGES.fallbackChanged : FALLBACK_PHONE_MESSAGES.fallbackAdded);
      return reply.redirect("/two-factor", 303);
    });

    postWithStepUp(app, "/two-factor/fallback/remove", { name: "fallback.remove", config: { access: "full", emptyForm: true }, run: async (request, reply, input) => {
      const auth = proven(request, "full");
      if (!parseForm(emptyFormSchema, input.body).ok || auth.user.fallback_phone_e164 === null) return reply.redirect("/two-factor", 303);
      if (await stepUpFirst(deps, request, reply, { action: "fallback.remove", to: { then: "manage" } })) return reply;
      await changeFallbackPhone(db, deps, { userId: auth.user.id, sessionId: auth.session.id, previous: auth.user.fallback_phone_e164, next: null, meta: requestMeta(request) });
      await setFlash(db, auth.session.id, FALLBACK_PHONE_MESSAGES.fallbackRemoved);
      return reply.redirect("/two-factor", 303);
    } });
  };
}

function sentInsideStepUpWindow(session: Session, challenge: SmsChallenge): boolean {
  return session.second_factor_at !== null && challenge.created_at - session.second_factor_at < STEP_UP_WINDOW_MS;
}
