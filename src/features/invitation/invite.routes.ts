import type { FastifyInstance } from "fastify";
import { inspectOneTimeLink } from "../../auth/one-time-link.ts";
import { hashPassword } from "../../auth/password.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text, FIELD_MAX_LENGTH } from "../../http/forms/form.ts";
import { checkNewPassword } from "../../http/forms/password-choice.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { setSessionCookie } from "../../http/cookies.ts";
import { type ChoosePasswordErrors, choosePasswordBody } from "./choose-password.view.ts";
import { INVITATION_MESSAGES as M } from "./invitation.messages.ts";
import { acceptInvitation } from "./invitation.service.ts";

const form = formSchema({ password: text(FIELD_MAX_LENGTH, "Password"), confirm: text(FIELD_MAX_LENGTH, "Confirm password") });

/** An invitation link: the invited user chooses a password, then goes straight into two-factor set-up. */
export function inviteRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const page = (action: string, errors: ChoosePasswordErrors) => (csrfToken: string) =>
    choosePasswordBody({ csrfToken, action, heading: M.inviteHeading, intro: M.inviteIntro, askIdentity: false, errors, submitLabel: M.inviteSubmit });
  const linkGone = (state: string) => ({
    code: 410,
    heading: M.inviteGoneHeading,
    message: state === "expired" ? M.inviteExpired : M.inviteUsed,
    link: { href: "/login", text: M.signIn },
  });

  return async (app: FastifyInstance) => {
    app.get<{ Params: { token: string } }>("/invite/:token", { config: { access: "public" } }, async (request, reply) => {
      const state = await inspectOneTimeLink(database.db, clock, request.params.token, "invite");
      if (state.state !== "valid") return sendMessagePage(request, reply, config, linkGone(state.state));
      return sendPage(request, reply, config, { title: M.inviteHeading, body: page(request.url, {}) });
    });

    app.post<{ Params: { token: string } }>("/invite/:token", { config: { access: "public" } }, async (request, reply) => {
      const parsed = parseForm(form, request.body);
      if (!parsed.ok) return sendPage(request, reply, config, { title: M.inviteHeading, code: 400, body: page(request.url, { form: parsed.message }) });
      const errors = checkNewPassword(parsed.data.password, parsed.data.confirm);
      if (errors) return sendPage(request, reply, config, { title: M.inviteHeading, code: 400, body: page(request.url, errors) });
      const state = await inspectOneTimeLink(database.db, clock, request.params.token, "invite");
      if (state.state !== "valid") return sendMessagePage(request, reply, config, linkGone(state.state));

      const passwordHash = await hashPassword(parsed.data.password);
      const accepted = await acceptInvitation(database.db, deps, { token: request.params.token, passwordHash, meta: requestMeta(request) });
      if (!accepted.ok) return sendMessagePage(request, reply, config, linkGone("used"));
      setSessionCookie(reply, config, accepted.sessionToken);
      return reply.redirect("/two-factor", 303);
    });
  };
}
