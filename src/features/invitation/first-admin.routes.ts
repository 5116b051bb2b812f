import type { FastifyInstance } from "fastify";
import { recordAuditEvent } from "../../auth/audit.ts";
import { consumeOneTimeLink, inspectOneTimeLink } from "../../auth/one-time-link.ts";
import { createSession } from "../../auth/session.ts";
import { parseEmail } from "../../auth/email.ts";
import { countUsers, insertUser, parseDisplayName, prepareUser } from "../../auth/user.ts";
import { type ChoosePasswordErrors, choosePasswordBody } from "./choose-password.view.ts";
import type { AppDeps } from "../../deps.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { checkNewPassword } from "../../http/forms/password-choice.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { setSessionCookie } from "../../http/session-cookie.ts";

const HEADING = "Create the administrator account";
const form = formSchema({ name: text(), email: text(), password: text(), confirm: text() });

/** The one-time link printed on first start: it creates the first administrator, once. */
export function firstAdminRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const page = (action: string, values: { name?: string; email?: string }, errors: ChoosePasswordErrors) => (csrfToken: string) =>
    choosePasswordBody({ csrfToken, action, heading: HEADING, intro: "This link works once. The account you create here administers the portal.", askIdentity: true, values, errors, submitLabel: "Create account" });
  const linkGone = { code: 410, heading: "This link no longer works", message: "It has been used or has expired. Restart the portal on an empty database to print a new one, or sign in.", link: { href: "/login", text: "Sign in" } };

  return async (app: FastifyInstance) => {
    app.get<{ Params: { token: string } }>("/setup/:token", { config: { access: "public" } }, async (request, reply) => {
      const state = await inspectOneTimeLink(database.db, clock, request.params.token, "first_admin");
      if (state.state !== "valid") return sendMessagePage(request, reply, config, linkGone);
      return sendPage(request, reply, config, { title: HEADING, body: page(request.url, {}, {}) });
    });

    app.post<{ Params: { token: string } }>("/setup/:token", { config: { access: "public" } }, async (request, reply) => {
      const parsed = parseForm(form, request.body);
      if (!parsed.ok) return sendPage(request, reply, config, { title: HEADING, code: 400, body: page(request.url, {}, { form: parsed.message }) });
      const { name, email, password, confirm } = parsed.data;
      const values = { name, email };
      const errors: ChoosePasswordErrors = { ...checkNewPassword(password, confirm) };
      if (!parseEmail(email)) errors.email = "Enter a valid email address.";
      if (!parseDisplayName(name)) errors.name = "Enter a name of 1 to 100 characters.";
      const prepared = Object.keys(errors).length === 0 ? await prepareUser(deps, { email, displayName: name, role: "admin", password }) : null;
      if (!prepared?.ok) return sendPage(request, reply, config, { title: HEADING, code: 400, body: page(request.url, values, errors) });

      const created = await database.db.transaction().execute(async (trx) => {
        if (!(await consumeOneTimeLink(trx, clock, request.params.token, "first_admin"))) return "link_gone" as const;
        if ((await countUsers(trx)) > 0) return "link_gone" as const;
        const inserted = await insertUser(trx, prepared.user);
        if (!inserted.ok) return "link_gone" as const;
        await recordAuditEvent(trx, deps, { type: "user.created", actorUserId: null, subjectUserId: prepared.user.id, ...requestMeta(request), detail: { role: "admin", via: "first_admin_link" } });
        return "created" as const;
      });
      if (created !== "created") return sendMessagePage(request, reply, config, linkGone);
      const { token } = await createSession(database.db, deps, prepared.user.id, { stage: "pending", meta: requestMeta(request) });
      setSessionCookie(reply, config, token);
      return reply.redirect("/two-factor", 303);
    });
  };
}
