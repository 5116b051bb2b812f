import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { changeDisplayName, changePassword } from "./account.service.ts";
import { hashPassword, verifyPassword } from "../../auth/password.ts";
import { takeFlash } from "../../auth/session.ts";
import { setFlash } from "../../auth/step-up.ts";
import { parseDisplayName, DISPLAY_NAME_MAX_LENGTH } from "../../auth/user.ts";
import { newPasswordBody, type NewPasswordErrors } from "../password-reset/password-reset.view.ts";
import { profileBody } from "./profile.view.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text, FIELD_MAX_LENGTH } from "../../http/forms/form.ts";
import { checkReplacementPassword } from "../../http/forms/password-choice.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { requireFreshSecondFactor } from "../../http/guards/step-up.guard.ts";
import { proven } from "../../http/guards/access.ts";
import { ACCOUNT_MESSAGES as M } from "./account.messages.ts";

const passwordForm = formSchema({ current: text(FIELD_MAX_LENGTH, "Current password"), password: text(FIELD_MAX_LENGTH, "New password"), confirm: text(FIELD_MAX_LENGTH, "Confirm new password") });
const profileForm = formSchema({ name: text(DISPLAY_NAME_MAX_LENGTH, "Display name") });

/** Signed-in self-service: change the password (with a fresh second factor) and the display name. */
export function accountRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;

  const passwordPage = (request: FastifyRequest, reply: FastifyReply, errors: NewPasswordErrors, code = 200) =>
    sendPage(request, reply, config, {
      title: M.passwordTitle,
      code,
      body: (csrfToken) => newPasswordBody({ csrfToken, action: "/account/password", heading: M.passwordTitle, askCurrent: true, errors, submitLabel: M.passwordSubmit }),
    });

  const profilePage = async (request: FastifyRequest, reply: FastifyReply, o: { name?: string; error?: string | null; formError?: string | null }, code = 200) => {
    const { user, session } = proven(request, "full");
    const flash = code === 200 ? await takeFlash(db, session) : null;
    return sendPage(request, reply, config, {
      title: M.profileTitle,
      code,
      status: flash,
      body: (csrfToken) => profileBody({ csrfToken, email: user.email, displayName: o.name ?? user.display_name, adminPage: user.role === "admin" ? `/admin/users/${user.id}` : null, error: o.error, formError: o.formError }),
    });
  };

  return async (app: FastifyInstance) => {
    const fresh = { config: { access: "full" as const }, preHandler: requireFreshSecondFactor(deps, "password") };

    app.get("/account/password", fresh, async (request, reply) => passwordPage(request, reply, {}));

    app.post("/account/password", fresh, async (request, reply) => {
      const parsed = parseForm(passwordForm, request.body);
      if (!parsed.ok) return passwordPage(request, reply, { form: parsed.message }, 400);
      const { user, session } = proven(request, "full");
      const { current, password, confirm } = parsed.data;
      if (!user.password_hash || !(await verifyPassword(user.password_hash, current))) return passwordPage(request, reply, { current: M.currentPasswordWrong }, 400);
      const errors = await checkReplacementPassword(user.password_hash, password, confirm);
      if (errors) return passwordPage(request, reply, errors, 400);
      await changePassword(db, deps, { userId: user.id, sessionId: session.id, passwordHash: await hashPassword(password), meta: requestMeta(request) });
      await setFlash(db, session.id, M.passwordChanged);
      return reply.redirect("/", 303);
    });

    app.get("/account/profile", async (request, reply) => profilePage(request, reply, {}));

    app.post("/account/profile", async (request, reply) => {
      const parsed = parseForm(profileForm, request.body);
      if (!parsed.ok) return profilePage(request, reply, { formError: parsed.message }, 400);
      const name = parseDisplayName(parsed.data.name);
      if (!name) return profilePage(request, reply, { name: parsed.data.name, error: M.nameInvalid }, 400);
      const { user, session } = proven(request, "full");
      if (name !== user.display_name) await changeDisplayName(db, deps, { userId: user.id, displayName: name, meta: requestMeta(request) });
      await setFlash(db, session.id, M.profileSaved);
      return reply.redirect("/account/profile", 303);
    });
  };
}
