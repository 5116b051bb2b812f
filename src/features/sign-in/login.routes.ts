import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { allowedContinuation, saveReturnTo } from "../../auth/return-to.ts";
import { deleteSession } from "../../auth/session.ts";
import type { AppDeps } from "../../deps.ts";
import { clearSessionCookie, readRememberCookie, setSessionCookie, setSignInNotice, takeSignInNotice } from "../../http/cookies.ts";
import { FIELD_MAX_LENGTH, formSchema, parseForm, text } from "../../http/forms/form.ts";
import { sendPage, timeZoneOf } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { timeTag } from "../../views/time.ts";
import { sendSignInCodeOnArrival } from "../second-factor/verify.routes.ts";
import { loginBody } from "./login.view.ts";
import { SIGN_IN_MESSAGES as M } from "./sign-in.messages.ts";
import { completeFromRememberedBrowser, signInWithPassword } from "./sign-in.service.ts";
import type { PageText } from "../../views/html.ts";

export const SIGN_IN_FAILED = M.failed;

/** Fixed confirmations the sign-in page may show after a redirect (never text from the URL itself). */
const NOTICES: Record<string, string> = {
  "password-reset": M.passwordReset,
  "password-changed": M.passwordChanged,
  "signed-out": M.signedOut,
  "session-ended": M.sessionEnded,
};

const loginForm = formSchema({ email: text(EMAIL_MAX_LENGTH, "Email"), password: text(FIELD_MAX_LENGTH, "Password"), next: text().optional() });

export function loginRoutes(deps: AppDeps) {
  const { config, database, clock, random } = deps;
  const refuse = (request: FastifyRequest, reply: FastifyReply, code: number, error: PageText, o: { email?: string; next?: string | null } = {}) =>
    sendPage(request, reply, config, { title: M.title, code, body: (csrfToken) => loginBody({ csrfToken, email: o.email, next: o.next ?? null, error }) });

  return async (app: FastifyInstance) => {
    app.get("/login", { config: { access: "public" } }, async (request, reply) => {
      // A flow that needs the browser signed in (an app's sign-in) names where to continue: kept in the
      // form. `rd` is the name reverse proxies use (forward auth, nginx's error_page redirect).
      const query = request.query as { next?: unknown; rd?: unknown; notice?: unknown };
      const next = await allowedContinuation(database.db, query.next ?? query.rd);
      if (request.auth?.session.stage === "full") return reply.redirect(next ?? "/", 303);
      const key = String(query.notice ?? "") || takeSignInNotice(request, reply, config) || (request.sessionEnded ? "session-ended" : "");
      const notice = Object.hasOwn(NOTICES, key) ? NOTICES[key]! : null;
      return sendPage(request, reply, config, { title: M.title, status: notice, body: (csrfToken) => loginBody({ csrfToken, next }) });
    });

    app.post("/login", { config: { access: "public" } }, async (request, reply) => {
      const form = parseForm(loginForm, request.body);
      if (!form.ok) return refuse(request, reply, 400, form.message);
      const { email, password } = form.data;
      const next = await allowedContinuation(database.db, form.data.next);
      if (!email.trim() || !password) return refuse(request, reply, 400, M.empty, { email, next });
      const meta = requestMeta(request);
      const rememberCookie = readRememberCookie(request, config);
      const result = await signInWithPassword(database.db, deps, { email, password, meta, maxWaitMs: config.signInMaxWaitMs, rememberCookie });
      if (!result.ok && result.reason === "shed") {
        deps.metrics?.recordSignInShed();
        reply.header("retry-after", String(result.retryAfterS));
        return sendPage(request, reply, config, { title: M.shedTitle, code: 503, body: (csrfToken) => loginBody({ csrfToken, email, next, heading: M.shedTitle, error: M.shed(result.retryAfterS) }) });
      }
      if (!result.ok && result.reason === "ip_throttled") return refuse(request, reply, 429, M.ipThrottled(timeTag(result.retryAtMs, timeZoneOf(request))), { email, next });
      if (!result.ok && result.reason === "disabled") return refuse(request, reply, 403, M.disabled(config.supportContact), { email, next });
      if (!result.ok) return refuse(request, reply, 401, SIGN_IN_FAILED, { email, next });
      // Signing in again replaces whatever session this browser had.
      if (request.auth) await deleteSession(database.db, request.auth.session.id);
      // A browser this user asked to remember completes the sign-in with the password alone.
      const remembered = await completeFromRememberedBrowser(database.db, deps, { user: result.user, pending: result.session, cookie: rememberCookie, meta });
      if (remembered) {
        setSessionCookie(reply, config, remembered.token);
        return reply.redirect(next ?? "/", 303);
      }
      setSessionCookie(reply, config, result.token);
      if (next) await saveReturnTo(database.db, result.session.id, next);
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
