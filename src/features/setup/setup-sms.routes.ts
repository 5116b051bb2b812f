import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { maskPhone, parsePhoneNumber, PHONE_FIELD_MAX_LENGTH } from "../../auth/phone.ts";
import { extendPendingFactor, findPendingFactor, hasExpiredPendingFactor, startSmsSetup } from "../../auth/second-factor.ts";
import { findLatestChallenge, RESEND_COOLDOWN_MS, SMS_CODE_TTL_MS, verifySmsChallenge } from "../../auth/sms-challenge.ts";
import type { SecondFactor } from "../../db/schema.ts";
import { smsCodeBody, smsPhoneBody } from "../../views/sms-code-form.ts";
import { readCode } from "../../http/forms/code-input.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { MESSAGES, PHONE_ERRORS } from "../../views/code-messages.ts";
import { sendPage } from "../../http/render.ts";
import { sendSmsCode } from "../../http/sms-send.ts";
import { finishSetup, requireSetupAllowed, restartSetup } from "./setup-flow.ts";
import { proven } from "../../http/guards/access.ts";
import { postWithStepUp, stepUpFirst } from "../../http/guards/pending-action.ts";
import { SETUP_MESSAGES } from "./setup.messages.ts";
import type { PageText } from "../../views/html.ts";

const phoneForm = formSchema({ phone: text(PHONE_FIELD_MAX_LENGTH, "Phone number") });

/** SMS set-up: phone number → code sent → code verified → SMS is the active method. */
export function setupSmsRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;

  const phonePage = (request: FastifyRequest, reply: FastifyReply, o: { phone?: string; error?: string | null; formError?: PageText | null }, code = 200) => {
    const active = proven(request, "session").activeMethod;
    const now = active?.kind === "sms" && active.phoneE164 ? SETUP_MESSAGES.replacingPhone(maskPhone(active.phoneE164)) : active?.kind === "totp" ? SETUP_MESSAGES.switchingToSms : null;
    return sendPage(request, reply, config, { title: SETUP_MESSAGES.setupSmsTitle, code, body: (csrfToken) => smsPhoneBody({ csrfToken, ...o, now }) });
  };

  async function codePage(request: FastifyRequest, reply: FastifyReply, factor: SecondFactor, error: PageText | null, code = 200, notice: PageText | null = null) {
    const challenge = await findLatestChallenge(db, proven(request, "session").session.id, "setup");
    return sendPage(request, reply, config, {
      title: SETUP_MESSAGES.smsCodeTitle,
      code,
      body: (csrfToken) =>
        smsCodeBody({
          heading: SETUP_MESSAGES.smsCodeTitle,
          csrfToken,
          maskedPhone: maskPhone(factor.phone_e164!),
          verifyAction: "/two-factor/setup/sms/verify",
          resendAction: "/two-factor/setup/sms/resend",
          deadline: challenge ? { atMs: challenge.expires_at, nowMs: clock.nowMs() } : null,
          resendAvailableAtMs: challenge ? challenge.created_at + RESEND_COOLDOWN_MS : null,
          nowMs: clock.nowMs(),
          error,
          notice,
        }),
    });
  }

  const restart = (request: FastifyRequest, reply: FastifyReply, message: string, code: number) => restartSetup(request, reply, deps, message, code);

  const sendFor = (request: FastifyRequest, factor: SecondFactor) =>
    sendSmsCode(request, deps, { userId: factor.user_id, sessionId: proven(request, "session").session.id, purpose: "setup", phoneE164: factor.phone_e164! });

  return async (app: FastifyInstance) => {
    const opts = { config: { access: "session" as const }, preHandler: requireSetupAllowed(deps, "setup-sms") };
    const continuing = { config: { access: "session" as const }, preHandler: requireSetupAllowed(deps, "setup-sms", "sms") };

    // The "SMS" choice on the set-up page: a POST, because it starts a set-up.
    app.post("/two-factor/setup/sms", { ...opts, config: { ...opts.config, emptyForm: true } }, async (_request, reply) => reply.redirect("/two-factor/setup/sms", 303));
    app.get("/two-factor/setup/sms", opts, async (request, reply) => phonePage(request, reply, {}));

    postWithStepUp(app, "/two-factor/setup/sms/send", { name: "setup-sms.send", config: opts.config, guard: requireSetupAllowed(deps, "setup-sms", undefined, true), run: async (request, reply, input) => {
      const form = parseForm(phoneForm, input.body);
      if (!form.ok) return phonePage(request, reply, { formError: form.message }, 400);
      const phone = parsePhoneNumber(form.data.phone);
      if (!phone.ok) return phonePage(request, reply, { phone: form.data.phone, error: PHONE_ERRORS[phone.reason] }, 400);
      // The fallback phone must stay a different device, or losing one phone loses both.
      if (phone.e164 === proven(request, "session").user.fallback_phone_e164) return phonePage(request, reply, { phone: form.data.phone, error: SETUP_MESSAGES.primarySameAsFallback }, 400);
      const auth = proven(request, "session");
      if (auth.session.stage === "full" && (await stepUpFirst(deps, request, reply, { action: "setup-sms.send", fields: { phone: phone.e164 }, to: { then: "setup-sms" } }))) return reply;
      const factor = await startSmsSetup(db, deps, auth.user.id, auth.session.id, phone.e164);
      const sent = await sendFor(request, factor);
      if (!sent.ok) return phonePage(request, reply, { phone: form.data.phone, formError: sent.message }, sent.status);
      return reply.redirect("/two-factor/setup/sms/verify", 303);
    } });

    app.get("/two-factor/setup/sms/verify", continuing, async (request, reply) => {
      const factor = await findPendingFactor(db, clock, proven(request, "session").session.id, "sms");
      if (!factor) {
        if (await hasExpiredPendingFactor(db, clock, proven(request, "session").session.id, "sms")) return restart(request, reply, MESSAGES.setupExpired, 410);
        return reply.redirect("/two-factor/setup/sms", 303);
      }
      return codePage(request, reply, factor, null);
    });

    // A resend starts a new 10-minute code: a change of method resends only inside the step-up window.
    postWithStepUp(app, "/two-factor/setup/sms/resend", { name: "setup-sms.resend", config: { ...continuing.config, emptyForm: true }, guard: continuing.preHandler, run: async (request, reply) => {
      const auth = proven(request, "session");
      const factor = await findPendingFactor(db, clock, auth.session.id, "sms");
      if (!factor) return restart(request, reply, MESSAGES.setupExpired, 410);
      if (auth.session.stage === "full" && (await stepUpFirst(deps, request, reply, { action: "setup-sms.resend", to: { then: "setup-sms" } }))) return reply;
      const sent = await sendFor(request, factor);
      if (!sent.ok) return sent.cooldown ? codePage(request, reply, factor, null, sent.status, sent.message) : codePage(request, reply, factor, sent.message, sent.status);
      await extendPendingFactor(db, factor.id, clock.nowMs() + SMS_CODE_TTL_MS);
      return reply.redirect("/two-factor/setup/sms/verify", 303);
    } });

    app.post("/two-factor/setup/sms/verify", continuing, async (request, reply) => {
      const auth = proven(request, "session");
      const factor = await findPendingFactor(db, clock, auth.session.id, "sms");
      if (!factor) return restart(request, reply, MESSAGES.setupExpired, 410);
      const input = readCode(request.body);
      if (!input.ok) return codePage(request, reply, factor, input.message, input.status);
      if (!(await takeSessionCodeAttempt(db, auth.session.id))) return restart(request, reply, MESSAGES.tooManyCodes, 429);
      const result = await verifySmsChallenge(db, clock, auth.session.id, "setup", input.code);
      if (result.ok) return finishSetup(request, reply, deps, factor, null);
      if (result.error === "expired") return restart(request, reply, MESSAGES.setupExpired, 410);
      if (result.error === "too_many") return restart(request, reply, MESSAGES.tooManyCodes, 429);
      if (result.error === "no_challenge") return codePage(request, reply, factor, MESSAGES.noCodeSent, 400);
      return codePage(request, reply, factor, MESSAGES.codeWrong, 400);
    });
  };
}
