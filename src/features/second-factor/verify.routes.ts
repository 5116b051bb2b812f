import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { proveSignInCode } from "../../auth/factor-code.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import type { SecondFactor } from "../../db/schema.ts";
import { tooManyCodesBody } from "./verify.view.ts";
import { readCode } from "../../http/forms/code-input.ts";
import { finishSecondFactor } from "../../http/complete-sign-in.ts";
import type { AppDeps } from "../../deps.ts";
import { codeErrorMessage, codeErrorStatus, MESSAGES } from "../../views/code-messages.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { sendSmsCode } from "../../http/sms-send.ts";
import { sendVerifyPage } from "./verify-page.ts";
import { proven } from "../../http/guards/access.ts";
import { SECOND_FACTOR_MESSAGES } from "./second-factor.messages.ts";
import type { PageText } from "../../views/html.ts";

const TITLE = SECOND_FACTOR_MESSAGES.verifyTitle;

/** Every later sign-in: the active method's code turns the pending session into a full one. */
export function verifyRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;

  const page = (request: FastifyRequest, reply: FastifyReply, factor: SecondFactor, error: PageText | null, code = 200, notice: PageText | null = null) =>
    sendVerifyPage(request, reply, deps, { factor, error, notice, code });

  const tooMany = (request: FastifyRequest, reply: FastifyReply) =>
    sendPage(request, reply, config, { title: TITLE, code: 429, body: (csrfToken) => tooManyCodesBody({ csrfToken, message: MESSAGES.tooManyCodes }) });

  async function refuse(request: FastifyRequest, reply: FastifyReply, factor: SecondFactor, message: string, code: number) {
    const auth = proven(request, "pending");
    const meta = requestMeta(request);
    await recordAuditEvent(db, deps, { type: "signin.second_factor_failed", actorUserId: auth.user.id, subjectUserId: auth.user.id, ip: meta.ip, userAgent: meta.userAgent, detail: { method: factor.kind } });
    return page(request, reply, factor, message, code);
  }

  return async (app: FastifyInstance) => {
    const opts = { config: { access: "pending" as const } };

    app.get("/two-factor/verify", opts, async (request, reply) => {
      const factor = await findActiveFactor(db, proven(request, "pending").user.id);
      if (!factor) return reply.redirect("/two-factor/setup", 303);
      return page(request, reply, factor, null);
    });

    app.post("/two-factor/verify", opts, async (request, reply) => {
      const auth = proven(request, "pending");
      const factor = await findActiveFactor(db, auth.user.id);
      if (!factor) return reply.redirect("/two-factor/setup", 303);
      const input = readCode(request.body, { signIn: true });
      if (!input.ok) return page(request, reply, factor, input.message, input.status);
      if (!(await takeSessionCodeAttempt(db, auth.session.id))) return tooMany(request, reply);

      // An app code's step is recorded with a compare-and-set (accepted once, even by concurrent
      // requests) in the transaction that completes the sign-in.
      const result = await proveSignInCode(db, deps, { factor, sessionId: auth.session.id, code: input.code, meta: requestMeta(request) });
      if (result.ok) {
        const onTaken = async () => {
          await result.taken();
          return refuse(request, reply, factor, codeErrorMessage("reused"), codeErrorStatus("reused"));
        };
        return finishSecondFactor(request, reply, deps, { method: factor.kind, remember: input.remember, consume: result.commit, onTaken });
      }
      if (result.error === "too_many") return tooMany(request, reply);
      return refuse(request, reply, factor, codeErrorMessage(result.error), codeErrorStatus(result.error));
    });

    app.post("/two-factor/verify/resend", { config: { access: "pending", emptyForm: true } }, async (request, reply) => {
      const auth = proven(request, "pending");
      const factor = await findActiveFactor(db, auth.user.id);
      if (factor?.kind !== "sms") return reply.redirect("/two-factor/verify", 303);
      const sent = await sendSmsCode(request, deps, { userId: auth.user.id, sessionId: auth.session.id, purpose: "signin", phoneE164: factor.phone_e164! });
      if (!sent.ok) return sent.cooldown ? page(request, reply, factor, null, sent.status, sent.message) : page(request, reply, factor, sent.message, sent.status);
      return reply.redirect("/two-factor/verify", 303);
    });
  };
}

/** "Two-Factor Verification" again after a refused passkey (the passkey feature answers its own form). */
export function passkeyVerifyPage(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply, error: string, code: number) => {
    const factor = await findActiveFactor(deps.database.db, proven(request, "pending").user.id);
    if (!factor) return reply.redirect("/two-factor/setup", 303);
    return sendVerifyPage(request, reply, deps, { factor, error, code });
  };
}

/** After the password: an SMS user gets a code on arrival at "Two-Factor Verification". */
export async function sendSignInCodeOnArrival(request: FastifyRequest, deps: AppDeps, userId: string, sessionId: string): Promise<void> {
  const factor = await findActiveFactor(deps.database.db, userId);
  if (factor?.kind === "sms") await sendSmsCode(request, deps, { userId, sessionId, purpose: "signin", phoneE164: factor.phone_e164! });
}
