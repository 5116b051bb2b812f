import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { guardSecondFactor } from "../../auth/factor-code.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import type { AppDeps } from "../../deps.ts";
import { finishSecondFactor } from "../../http/complete-sign-in.ts";
import { checkbox, formSchema, parseForm, text } from "../../http/forms/form.ts";
import { proven } from "../../http/guards/access.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import type { SafeHtml } from "../../views/html.ts";
import { rememberCheckbox } from "../remembered-browsers/remember.view.ts";
import { PASSKEY_MESSAGES } from "./passkeys.messages.ts";
import { authenticationOptions, checkPasskey, relyingParty } from "./passkeys.service.ts";
import { passkeyForm, passkeyVerifyBody } from "./passkeys.view.ts";
import type { PageText } from "../../views/html.ts";

const answerForm = formSchema({ response: text(12_000), remember: checkbox() });

/** "Two-Factor Verification" for a passkey user: a fresh challenge, "Use passkey", then `after` (other ways, reset). */
export async function sendPasskeyVerifyPage(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, state: { error?: PageText | null; code?: number; after: (csrfToken: string) => SafeHtml }): Promise<FastifyReply> {
  const { user, session } = proven(request, "pending");
  const options = await authenticationOptions(deps.database.db, deps, relyingParty(deps.config), { userId: user.id, sessionId: session.id });
  const remember = rememberCheckbox(deps.config.rememberBrowserDays);
  return sendPage(request, reply, deps.config, {
    title: "Two-Factor Verification",
    code: state.code,
    body: (csrfToken) =>
      passkeyVerifyBody({ form: passkeyForm({ csrfToken, action: "/two-factor/passkey", mode: "authenticate", options, button: "Use passkey", fields: remember, error: state.error }), after: state.after(csrfToken) }),
  });
}

/** Checks the posted WebAuthn answer of a passkey user's session against its challenge (step-up uses it too). */
export async function checkPasskeyAnswer(request: FastifyRequest, deps: AppDeps, auth: { userId: string; sessionId: string }): Promise<{ result: "ok" | "refused" | "counter" | "bad_form"; remember: boolean }> {
  const form = parseForm(answerForm, request.body);
  if (!form.ok) return { result: "bad_form", remember: false };
  const meta = requestMeta(request);
  let check: "ok" | "refused" | "counter" = "refused";
  // Through the account's second-factor lockout, like every code: refused answers count as failures.
  await guardSecondFactor(deps.database.db, deps, { userId: auth.userId, meta }, async () => {
    check = await checkPasskey(deps.database.db, deps, relyingParty(deps.config), { ...auth, response: form.data.response, meta });
    return check === "ok" ? { ok: true } : { ok: false, error: "wrong" };
  });
  return { result: check, remember: form.data.remember === "on" };
}

export function passkeySignInRoutes(deps: AppDeps, verifyPage: (request: FastifyRequest, reply: FastifyReply, error: string, code: number) => Promise<FastifyReply>) {
  const db = deps.database.db;
  return async (app: FastifyInstance) => {
    app.post("/two-factor/passkey", { config: { access: "pending" } }, async (request, reply) => {
      const { user, session } = proven(request, "pending");
      const factor = await findActiveFactor(db, user.id);
      if (factor?.kind !== "webauthn") return reply.redirect("/two-factor", 303);
      const answer = await checkPasskeyAnswer(request, deps, { userId: user.id, sessionId: session.id });
      if (answer.result === "ok") return finishSecondFactor(request, reply, deps, { method: "webauthn", remember: answer.remember });
      await recordAuditEvent(db, deps, { type: "signin.second_factor_failed", actorUserId: user.id, subjectUserId: user.id, ...requestMeta(request), detail: { method: "webauthn" } });
      return verifyPage(request, reply, answer.result === "counter" ? PASSKEY_MESSAGES.counter : PASSKEY_MESSAGES.refused, answer.result === "counter" ? 403 : 400);
    });
  };
}
