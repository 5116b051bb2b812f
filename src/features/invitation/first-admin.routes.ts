import type { FastifyInstance } from "fastify";
import { parseEmail, EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { inspectOneTimeLink } from "../../auth/one-time-link.ts";
import { parseDisplayName, prepareUser, DISPLAY_NAME_MAX_LENGTH } from "../../auth/user.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text, FIELD_MAX_LENGTH } from "../../http/forms/form.ts";
import { checkNewPassword } from "../../http/forms/password-choice.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { setSessionCookie } from "../../http/cookies.ts";
import { type ChoosePasswordErrors, choosePasswordBody } from "./choose-password.view.ts";
import { INVITATION_MESSAGES as M } from "./invitation.messages.ts";
import { createFirstAdministrator } from "./invitation.service.ts";

const form = formSchema({ name: text(DISPLAY_NAME_MAX_LENGTH, "Name"), email: text(EMAIL_MAX_LENGTH, "Email"), password: text(FIELD_MAX_LENGTH, "Password"), confirm: text(FIELD_MAX_LENGTH, "Confirm password") });

/** The one-time link printed on first start: it creates the first administrator, once. */
export function firstAdminRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const page = (action: string, values: { name?: string; email?: string }, errors: ChoosePasswordErrors) => (csrfToken: string) =>
    choosePasswordBody({ csrfToken, action, heading: M.firstAdminHeading, intro: M.firstAdminIntro, askIdentity: true, values, errors, submitLabel: M.firstAdminSubmit });
  const linkGone = { code: 410, heading: M.firstAdminGoneHeading, message: M.firstAdminGone, link: { href: "/login", text: M.signIn } };

  return async (app: FastifyInstance) => {
    app.get<{ Params: { token: string } }>("/setup/:token", { config: { access: "public" } }, async (request, reply) => {
      const state = await inspectOneTimeLink(database.db, clock, request.params.token, "first_admin");
      if (state.state !== "valid") return sendMessagePage(request, reply, config, linkGone);
      return sendPage(request, reply, config, { title: M.firstAdminHeading, body: page(request.url, {}, {}) });
    });

    app.post<{ Params: { token: string } }>("/setup/:token", { config: { access: "public" } }, async (request, reply) => {
      const parsed = parseForm(form, request.body);
      if (!parsed.ok) return sendPage(request, reply, config, { title: M.firstAdminHeading, code: 400, body: page(request.url, {}, { form: parsed.message }) });
      const { name, email, password, confirm } = parsed.data;
      const values = { name, email };
      const errors: ChoosePasswordErrors = { ...checkNewPassword(password, confirm) };
      if (!parseEmail(email)) errors.email = M.emailInvalid;
      if (!parseDisplayName(name)) errors.name = M.nameInvalid;
      const prepared = Object.keys(errors).length === 0 ? await prepareUser(deps, { email, displayName: name, role: "admin", password }) : null;
      if (!prepared?.ok) return sendPage(request, reply, config, { title: M.firstAdminHeading, code: 400, body: page(request.url, values, errors) });

      const created = await createFirstAdministrator(database.db, deps, { token: request.params.token, user: prepared.user, meta: requestMeta(request) });
      if (!created.ok) return sendMessagePage(request, reply, config, linkGone);
      setSessionCookie(reply, config, created.sessionToken);
      return reply.redirect("/two-factor", 303);
    });
  };
}
