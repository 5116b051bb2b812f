import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isId } from "../../auth/ids.ts";
import { takeFlash } from "../../auth/session.ts";
import { setFlash } from "../../auth/step-up.ts";
import { listLiveSessions, revokeOtherSessions, revokeOwnSession } from "../../auth/user-sessions.ts";
import { sessionsBody } from "./sessions.view.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../../http/errors.ts";
import { emptyFormSchema, parseForm } from "../../http/forms/form.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { proven } from "../../http/guards/access.ts";
import { HTTP_MESSAGES } from "../../http/http.messages.ts";
import { ACCOUNT_MESSAGES as M } from "./account.messages.ts";
import { listRememberedBrowsers } from "../../auth/remembered-browsers.ts";
import { rememberedBrowsersSection } from "../remembered-browsers/remember.view.ts";

const PAGE = "/account/sessions";

/** "Sessions" (full sessions only, the default access): the user's own sessions, and signing others out. */
export function sessionRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;

  const badForm = (request: FastifyRequest, reply: FastifyReply, message: string) =>
    sendMessagePage(request, reply, config, { code: 400, heading: HTTP_MESSAGES.badRequestHeading, message, link: { href: PAGE, text: M.backToSessions } });

  return async (app: FastifyInstance) => {
    app.get(PAGE, async (request, reply) => {
      const { user, session } = proven(request, "full");
      const [sessions, browsers, flash] = await Promise.all([listLiveSessions(db, deps.clock, user.id, session.id), listRememberedBrowsers(db, deps.clock, user.id), takeFlash(db, session)]);
      return sendPage(request, reply, config, { title: M.sessionsTitle, status: flash, body: (csrfToken) => sessionsBody({ csrfToken, sessions, extra: rememberedBrowsersSection({ csrfToken, browsers }) }) });
    });

    app.post(`${PAGE}/sign-out-others`, async (request, reply) => {
      const parsed = parseForm(emptyFormSchema, request.body);
      if (!parsed.ok) return badForm(request, reply, parsed.message);
      const { user, session } = proven(request, "full");
      const count = await revokeOtherSessions(db, deps, { userId: user.id, currentSessionId: session.id, meta: requestMeta(request) });
      await setFlash(db, session.id, M.othersSignedOut(count));
      return reply.redirect(PAGE, 303);
    });

    app.post(`${PAGE}/:handle/sign-out`, async (request, reply) => {
      const { handle } = request.params as { handle: string };
      if (!isId(handle)) return sendNotFound(request, reply, config);
      const parsed = parseForm(emptyFormSchema, request.body);
      if (!parsed.ok) return badForm(request, reply, parsed.message);
      const { user, session } = proven(request, "full");
      // Not one of this user's other sessions (another user's, this one, or already ended): the same 404.
      if (!(await revokeOwnSession(db, deps, { userId: user.id, currentSessionId: session.id, handle, meta: requestMeta(request) }))) return sendNotFound(request, reply, config);
      await setFlash(db, session.id, M.sessionSignedOut);
      return reply.redirect(PAGE, 303);
    });
  };
}
