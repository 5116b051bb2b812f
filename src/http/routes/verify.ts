import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { maskPhone } from "../../auth/phone.ts";
import { acceptTotpStep, findActiveFactor, readTotpSecret } from "../../auth/second-factor.ts";
import { findLatestChallenge, RESEND_COOLDOWN_MS, verifySmsChallenge } from "../../auth/sms-challenge.ts";
import { verifyTotp } from "../../auth/totp.ts";
import type { SecondFactor } from "../../db/schema.ts";
import { smsCodeBody } from "../../views/pages/setup-sms.ts";
import { resetContactSupportBody, resetTwoFactorButton, tooManyCodesBody, verifyAppBody } from "../../views/pages/verify.ts";
import { readCode } from "../code-input.ts";
import { finishSecondFactor } from "../complete-sign-in.ts";
import type { AppDeps } from "../deps.ts";
import { MESSAGES } from "../messages.ts";
import { sendPage } from "../render.ts";
import { requestMeta } from "../request-meta.ts";
import { sendSmsCode } from "../sms-send.ts";

const TITLE = "Two-Factor Verification";

/** Every later sign-in: the active method's code turns the pending session into a full one. */
export function verifyRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;

  async function page(request: FastifyRequest, reply: FastifyReply, factor: SecondFactor, error: string | null, code = 200, notice: string | null = null) {
    if (factor.kind === "totp") return sendPage(request, reply, config, { title: TITLE, code, body: (csrfToken) => verifyAppBody({ csrfToken, error }) });
    const challenge = await findLatestChallenge(db, request.auth!.session.id, "signin");
    return sendPage(request, reply, config, {
      title: TITLE,
      code,
      body: (csrfToken) =>
        smsCodeBody({
          heading: TITLE,
          csrfToken,
          maskedPhone: maskPhone(factor.phone_e164!),
          verifyAction: "/two-factor/verify",
          resendAction: "/two-factor/verify/resend",
          deadline: challenge ? { atMs: challenge.expires_at, nowMs: clock.nowMs() } : null,
          resendAvailableAtMs: challenge ? challenge.created_at + RESEND_COOLDOWN_MS : null,
          nowMs: clock.nowMs(),
          // No live code for this session means the send on arrival failed.
          error: error ?? (challenge ? null : MESSAGES.smsFailed),
          notice,
          extra: resetTwoFactorButton(),
        }),
    });
  }

  const tooMany = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(request, reply, config, { title: TITLE, code: 429, body: (csrfToken) => tooManyCodesBody({ csrfToken, message: MESSAGES.tooManyCodes }) });

  async function refuse(request: FastifyRequest, reply: FastifyReply, factor: SecondFactor, message: string, code: number) {
    const auth = request.auth!;
    const meta = requestMeta(request);
    await recordAuditEvent(db, deps, { type: "signin.second_factor_failed", actorUserId: auth.user.id, subjectUserId: auth.user.id, ip: meta.ip, userAgent: meta.userAgent, detail: { method: factor.kind } });
    return page(request, reply, factor, message, code);
  }

  return async (app: FastifyInstance) => {
    const opts = { config: { access: "pending" as const } };

    app.get("/two-factor/verify", opts, async (request, reply) => {
      const factor = await findActiveFactor(db, request.auth!.user.id);
      if (!factor) return reply.redirect("/two-factor/setup", 303);
      return page(request, reply, factor, null);
    });

    app.post("/two-factor/verify", opts, async (request, reply) => {
      const auth = request.auth!;
      const factor = await findActiveFactor(db, auth.user.id);
      if (!factor) return reply.redirect("/two-factor/setup", 303);
      const input = readCode(request.body);
      if (!input.ok) return page(request, reply, factor, input.message, input.status);
      if (!(await takeSessionCodeAttempt(db, auth.session.id))) return tooMany(request, reply);

      if (factor.kind === "totp") {
        const result = verifyTotp({ secret: readTotpSecret(deps.keyring, factor), code: input.code, nowMs: clock.nowMs(), lastUsedStep: factor.totp_last_step });
        // The step is recorded with a compare-and-set: a code is accepted once, even by concurrent requests.
        if (!result.ok || !(await acceptTotpStep(db, factor.id, result.step))) return refuse(request, reply, factor, MESSAGES.codeWrong, 400);
        return finishSecondFactor(request, reply, deps, { method: "totp" });
      }
      const result = await verifySmsChallenge(db, clock, auth.session.id, "signin", input.code);
      if (result.ok) return finishSecondFactor(request, reply, deps, { method: "sms" });
      if (result.error === "too_many") return tooMany(request, reply);
      const message = result.error === "expired" ? MESSAGES.codeExpired : result.error === "no_challenge" ? MESSAGES.noCodeSent : MESSAGES.codeWrong;
      return refuse(request, reply, factor, message, 400);
    });

    app.post("/two-factor/verify/resend", opts, async (request, reply) => {
      const auth = request.auth!;
      const factor = await findActiveFactor(db, auth.user.id);
      if (factor?.kind !== "sms") return reply.redirect("/two-factor/verify", 303);
      const sent = await sendSmsCode(request, deps, { userId: auth.user.id, sessionId: auth.session.id, purpose: "signin", phoneE164: factor.phone_e164! });
      if (!sent.ok) return sent.cooldown ? page(request, reply, factor, null, sent.status, sent.message) : page(request, reply, factor, sent.message, sent.status);
      return reply.redirect("/two-factor/verify", 303);
    });

    app.get("/two-factor/reset", opts, async (request, reply) =>
      sendPage(request, reply, config, { title: "Reset Two-Factor", body: () => resetContactSupportBody({ supportContact: config.supportContact }) }),
    );
  };
}

/** After the password: an SMS user gets a code on arrival at "Two-Factor Verification". */
export async function sendSignInCodeOnArrival(request: FastifyRequest, deps: AppDeps, userId: string, sessionId: string): Promise<void> {
  const factor = await findActiveFactor(deps.database.db, userId);
  if (factor?.kind === "sms") await sendSmsCode(request, deps, { userId, sessionId, purpose: "signin", phoneE164: factor.phone_e164! });
}
