import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { guardSecondFactor } from "../../auth/factor-code.ts";
import { findRecoveryCode, normalizeRecoveryCode } from "../../auth/recovery-codes.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import type { AppDeps } from "../../deps.ts";
import { finishSecondFactor } from "../../http/complete-sign-in.ts";
import { checkbox, formSchema, parseForm, text } from "../../http/forms/form.ts";
import { proven } from "../../http/guards/access.ts";
import { requireFreshSecondFactor } from "../../http/guards/step-up.guard.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { RECOVERY_CODE_MESSAGES } from "./recovery-codes.messages.ts";
import { createRecoveryCodeSet, takeRecoveryCode } from "./recovery-codes.service.ts";
import { recoveryCodesShownBody, recoverySignInBody } from "./recovery-codes.view.ts";
import { rememberCheckbox } from "../remembered-browsers/remember.view.ts";

const recoveryForm = formSchema({ recovery_code: text(64), remember: checkbox() });
const TITLE = "Use a recovery code";

/** Makes a new set for the full, freshly proven session and shows it once (also where a step-up for it ends). */
export async function showNewRecoveryCodes(request: FastifyRequest, reply: FastifyReply, deps: AppDeps): Promise<FastifyReply> {
  const { user } = proven(request, "full");
  const codes = await createRecoveryCodeSet(deps.database.db, deps, { userId: user.id, meta: requestMeta(request) });
  return sendPage(request, reply, deps.config, { title: "Your recovery codes", body: () => recoveryCodesShownBody({ codes, portalName: deps.config.portalName, email: user.email }) });
}

/** Recovery codes: made on "Manage Two-Factor Login" (step-up first), used on "Two-Factor Verification". */
export function recoveryCodeRoutes(deps: AppDeps) {
  const db = deps.database.db;

  const page = (request: FastifyRequest, reply: FastifyReply, error: string | null, code = 200) =>
    sendPage(request, reply, deps.config, { title: TITLE, code, body: (csrfToken) => recoverySignInBody({ csrfToken, error, remember: rememberCheckbox(deps.config.rememberBrowserDays) }) });

  async function refuse(request: FastifyRequest, reply: FastifyReply, message: string, code: number) {
    const { user } = proven(request, "pending");
    await recordAuditEvent(db, deps, { type: "signin.second_factor_failed", actorUserId: user.id, subjectUserId: user.id, ...requestMeta(request), detail: { method: "recovery_code" } });
    return page(request, reply, message, code);
  }

  return async (app: FastifyInstance) => {
    const pending = { config: { access: "pending" as const } };

    app.post("/two-factor/recovery-codes", { config: { access: "full", emptyForm: true }, preHandler: requireFreshSecondFactor(deps, "recovery-codes") }, async (request, reply) =>
      showNewRecoveryCodes(request, reply, deps),
    );

    app.get("/two-factor/recovery", pending, async (request, reply) => {
      if (!(await findActiveFactor(db, proven(request, "pending").user.id))) return reply.redirect("/two-factor/setup", 303);
      return page(request, reply, null);
    });

    // Guard order: session stage → parse → session tries → account lockout around the check → single use.
    app.post("/two-factor/recovery", pending, async (request, reply) => {
      const { user, session } = proven(request, "pending");
      if (!(await findActiveFactor(db, user.id))) return reply.redirect("/two-factor/setup", 303);
      const form = parseForm(recoveryForm, request.body);
      if (!form.ok) return page(request, reply, form.message, 400);
      const code = normalizeRecoveryCode(form.data.recovery_code);
      if (!code) return page(request, reply, RECOVERY_CODE_MESSAGES.format, 400);
      if (!(await takeSessionCodeAttempt(db, session.id))) return page(request, reply, RECOVERY_CODE_MESSAGES.tooMany, 429);
      const meta = requestMeta(request);
      let codeId: string | null = null;
      const result = await guardSecondFactor(db, deps, { userId: user.id, meta }, async () => {
        codeId = await findRecoveryCode(db, user.id, code);
        return codeId ? { ok: true } : { ok: false, error: "wrong" };
      });
      if (!result.ok) return refuse(request, reply, result.error === "locked" ? RECOVERY_CODE_MESSAGES.locked : RECOVERY_CODE_MESSAGES.wrong, result.error === "locked" ? 429 : 400);
      return finishSecondFactor(request, reply, deps, {
        method: "recovery_code",
        consume: takeRecoveryCode(deps, { userId: user.id, codeId: codeId!, meta }),
        onTaken: () => refuse(request, reply, RECOVERY_CODE_MESSAGES.taken, 409),
        remember: form.data.remember === "on",
      });
    });
  };
}
