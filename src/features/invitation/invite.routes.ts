import type { FastifyInstance } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { consumeOneTimeLink, inspectOneTimeLink } from "../../auth/one-time-link.ts";
import { hashPassword } from "../../auth/password.ts";
import { createSession } from "../../auth/session.ts";
import { setPasswordHash } from "../../auth/user.ts";
import { type ChoosePasswordErrors, choosePasswordBody } from "./choose-password.view.ts";
import type { AppDeps } from "../../deps.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { checkNewPassword } from "../../http/forms/password-choice.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { setSessionCookie } from "../../http/session-cookie.ts";

const HEADING = "Choose your password";
const form = formSchema({ password: text(), confirm: text() });

/** An invitation link: the invited user chooses a password, then goes straight into two-factor set-up. */
export function inviteRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const page = (action: string, errors: ChoosePasswordErrors) => (csrfToken: string) =>
    choosePasswordBody({ csrfToken, action, heading: HEADING, intro: "Choose the password you will sign in with. Next you will set up two-factor sign-in.", askIdentity: false, errors, submitLabel: "Save password" });
  const linkGone = (state: string) => ({
    code: 410,
    heading: "This invitation no longer works",
    message: `${state === "expired" ? "It has expired." : "It has already been used or is not valid."} Ask your administrator for a new invitation.`,
    link: { href: "/login", text: "Sign in" },
  });

  return async (app: FastifyInstance) => {
    app.get<{ Params: { token: string } }>("/invite/:token", { config: { access: "public" } }, async (request, reply) => {
      const state = await inspectOneTimeLink(database.db, clock, request.params.token, "invite");
      if (state.state !== "valid") return sendMessagePage(request, reply, config, linkGone(state.state));
      return sendPage(request, reply, config, { title: HEADING, body: page(request.url, {}) });
    });

    app.post<{ Params: { token: string } }>("/invite/:token", { config: { access: "public" } }, async (request, reply) => {
      const parsed = parseForm(form, request.body);
      if (!parsed.ok) return sendPage(request, reply, config, { title: HEADING, code: 400, body: page(request.url, { form: parsed.message }) });
      const errors = checkNewPassword(parsed.data.password, parsed.data.confirm);
      if (errors) return sendPage(request, reply, config, { title: HEADING, code: 400, body: page(request.url, errors) });
      const state = await inspectOneTimeLink(database.db, clock, request.params.token, "invite");
      if (state.state !== "valid") return sendMessagePage(request, reply, config, linkGone(state.state));

      const passwordHash = await hashPassword(parsed.data.password);
      const userId = await database.db.transaction().execute(async (trx) => {
        const link = await consumeOneTimeLink(trx, clock, request.params.token, "invite");
        if (!link?.user_id) return null;
        await setPasswordHash(trx, link.user_id, passwordHash);
        await recordAuditEvent(trx, deps, { type: "user.password_set", actorUserId: link.user_id, subjectUserId: link.user_id, ...requestMeta(request), detail: { via: "invitation" } });
        return link.user_id;
      });
      if (!userId) return sendMessagePage(request, reply, config, linkGone("used"));
      const { token } = await createSession(database.db, deps, userId, { stage: "pending", meta: requestMeta(request) });
      setSessionCookie(reply, config, token);
      return reply.redirect("/two-factor", 303);
    });
  };
}
