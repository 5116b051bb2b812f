import type { FastifyInstance } from "fastify";
import { requestPasswordReset } from "./password-reset.service.ts";
import { forgotPasswordBody, forgotPasswordSentBody } from "./password-reset.view.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { PASSWORD_RESET_MESSAGES as M } from "./password-reset.messages.ts";

import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";

const form = formSchema({ email: text(EMAIL_MAX_LENGTH, "Email") });
const TITLE = M.forgotTitle;

/** "Forgot password?": the same answer for every address (no enumeration): a redirect to "Check your e-mail". */
export function forgotPasswordRoutes(deps: AppDeps) {
  const { config, database } = deps;
  return async (app: FastifyInstance) => {
    const opts = { config: { access: "public" as const } };
    app.get("/forgot-password", opts, async (request, reply) => sendPage(request, reply, config, { title: TITLE, body: (csrfToken) => forgotPasswordBody({ csrfToken }) }));

    app.post("/forgot-password", opts, async (request, reply) => {
      const parsed = parseForm(form, request.body);
      if (!parsed.ok) return sendPage(request, reply, config, { title: TITLE, code: 400, body: (csrfToken) => forgotPasswordBody({ csrfToken, error: parsed.message }) });
      if (!parsed.data.email.trim()) return sendPage(request, reply, config, { title: TITLE, code: 400, body: (csrfToken) => forgotPasswordBody({ csrfToken, error: M.emailMissing }) });
      await requestPasswordReset(database.db, { ...deps, publicUrl: config.publicUrl, portalName: config.portalName }, parsed.data.email, requestMeta(request));
      // Post/Redirect/Get: Back or reload never offers to send the form again.
      return reply.redirect("/forgot-password/sent", 303);
    });

    app.get("/forgot-password/sent", opts, async (request, reply) => sendPage(request, reply, config, { title: M.sentTitle, body: () => forgotPasswordSentBody() }));
  };
}
