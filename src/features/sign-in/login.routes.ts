import type { FastifyInstance } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { deleteSession } from "../../auth/session.ts";
import { signInWithPassword } from "./sign-in.service.ts";
import { formatUtc } from "../../views/time.ts";
import { loginBody } from "./login.view.ts";
import type { AppDeps } from "../../deps.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { sendPage } from "../../http/render.ts";
import { clearSessionCookie, setSessionCookie } from "../../http/session-cookie.ts";
import { sendSignInCodeOnArrival } from "../second-factor/verify.routes.ts";
import { SIGN_IN_MESSAGES as M } from "./sign-in.messages.ts";

export const SIGN_IN_FAILED = M.failed;

const NOTICES: Record<string, string> = M.notices;
const loginForm = formSchema({ email: text(), password: text() });

export function loginRoutes(deps: AppDeps) {
  const { config, database, clock, random } = deps;
  return async (app: FastifyInstance) => {
    app.get("/login", { config: { access: "public" } }, async (request, reply) => {
      if (request.auth?.session.stage === "full") return reply.redirect("/", 303);
      const key = String((request.query as { notice?: unknown }).notice ?? "");
      const notice = Object.hasOwn(NOTICES, key) ? NOTICES[key]! : null;
      return sendPage(request, reply, config, { title: M.title, body: (csrfToken) => loginBody({ csrfToken, notice }) });
    });

    app.post("/login", { config: { access: "public" } }, async (request, reply) => {
      const form = parseForm(loginForm, request.body);
      if (!form.ok) return sendPage(request, reply, config, { title: M.title, code: 400, body: (csrfToken) => loginBody({ csrfToken, error: form.message }) });
      const { email, password } = form.data;
      if (!email.trim() || !password) {
        return sendPage(request, reply, config, {
          title: M.title,
          code: 400,
          body: (csrfToken) => loginBody({ csrfToken, email, error: M.missingFields }),
        });
      }
      const meta = requestMeta(request);
      const result = await signInWithPassword(database.db, deps, email, password, meta, config.signInMaxWaitMs);
      if (!result.ok && result.reason === "shed") {
        deps.metrics?.recordSignInShed();
        const message = M.shed(result.retryAfterS);
        reply.header("retry-after", String(result.retryAfterS));
        return sendPage(request, reply, config, { title: M.shedTitle, code: 503, body: (csrfToken) => loginBody({ csrfToken, email, heading: M.shedTitle, error: message }) });
      }
      if (!result.ok && result.reason === "ip_throttled") {
        const message = M.ipThrottled(formatUtc(result.retryAtMs));
        return sendPage(request, reply, config, { title: M.title, code: 429, body: (csrfToken) => loginBody({ csrfToken, email, error: message }) });
      }
      if (!result.ok) {
        return sendPage(request, reply, config, { title: M.title, code: 401, body: (csrfToken) => loginBody({ csrfToken, email, error: SIGN_IN_FAILED }) });
      }
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
      return reply.redirect("/login", 303);
    });
  };
}
