import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { SIGN_IN_MESSAGES } from "./sign-in.messages.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { deleteSession } from "../../auth/session.ts";
import { signInWithPassword } from "./sign-in.service.ts";
import { formatUtc } from "../../views/time.ts";
import { loginBody } from "./login.view.ts";
import type { AppDeps } from "../../deps.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { formSchema, parseForm, text, FIELD_MAX_LENGTH } from "../../http/forms/form.ts";
import { sendPage } from "../../http/render.ts";
import { clearSessionCookie, setSessionCookie, setSignInNotice, takeSignInNotice } from "../../http/session-cookie.ts";
import { sendSignInCodeOnArrival } from "../second-factor/verify.routes.ts";

export const SIGN_IN_FAILED = SIGN_IN_MESSAGES.failed;

/** Fixed confirmations the sign-in page may show after a redirect (never text from the URL itself). */
const NOTICES: Record<string, string> = {
  "password-reset": SIGN_IN_MESSAGES.passwordReset,
  "password-changed": SIGN_IN_MESSAGES.passwordChanged,
  "signed-out": SIGN_IN_MESSAGES.signedOut,
  "session-ended": SIGN_IN_MESSAGES.sessionEnded,
};

const loginForm = formSchema({ email: text(EMAIL_MAX_LENGTH, "Email"), password: text(FIELD_MAX_LENGTH, "Password") });

export function loginRoutes(deps: AppDeps) {
  const { config, database, clock, random } = deps;
  const refuse = (request: FastifyRequest, reply: FastifyReply, code: number, error: string, email?: string) =>
    sendPage(request, reply, config, { title: "Sign in", code, body: (csrfToken) => loginBody({ csrfToken, email, error }) });

  return async (app: FastifyInstance) => {
    app.get("/login", { config: { access: "public" } }, async (request, reply) => {
      if (request.auth?.session.stage === "full") return reply.redirect("/", 303);
      const key = String((request.query as { notice?: unknown }).notice ?? "") || takeSignInNotice(request, reply, config) || (request.sessionEnded ? "session-ended" : "");
      const notice = Object.hasOwn(NOTICES, key) ? NOTICES[key]! : null;
      return sendPage(request, reply, config, { title: "Sign in", status: notice, body: (csrfToken) => loginBody({ csrfToken }) });
    });

    app.post("/login", { config: { access: "public" } }, async (request, reply) => {
      const form = parseForm(loginForm, request.body);
      if (!form.ok) return refuse(request, reply, 400, form.message);
      const { email, password } = form.data;
      if (!email.trim() || !password) return refuse(request, reply, 400, SIGN_IN_MESSAGES.empty, email);
      const meta = requestMeta(request);
      const result = await signInWithPassword(database.db, deps, email, password, meta);
      if (!result.ok && result.reason === "ip_throttled") return refuse(request, reply, 429, SIGN_IN_MESSAGES.ipThrottled(formatUtc(result.retryAtMs)), email);
      if (!result.ok && result.reason === "disabled") return refuse(request, reply, 403, SIGN_IN_MESSAGES.disabled(config.supportContact), email);
      if (!result.ok) return refuse(request, reply, 401, SIGN_IN_FAILED, email);
      // Signing in again replaces whatever session this browser had.
      if (request.auth) await deleteSession(database.db, request.auth.session.id);
      setSessionCookie(reply, config, result.token);
      await sendSignInCodeOnArrival(request, deps, result.user.id, result.session.id);
      return reply.redirect("/two-factor", 303);
    });

    app.post("/logout", { config: { access: "public", emptyForm: true } }, async (request, reply) => {
      const auth = request.auth;
      if (auth) {
        await deleteSession(database.db, auth.session.id);
        await recordAuditEvent(database.db, { clock, random }, { type: "signout", actorUserId: auth.user.id, subjectUserId: auth.user.id, ...requestMeta(request) });
      }
      clearSessionCookie(reply, config);
      if (auth) setSignInNotice(reply, config, "signed-out");
      return reply.redirect("/login", 303);
    });
  };
}
