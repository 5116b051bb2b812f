import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { setFlash } from "../../auth/step-up.ts";
import { type CreateUserError, isRole, DISPLAY_NAME_MAX_LENGTH } from "../../auth/user.ts";
import { changeUserEmail } from "./email-change.service.ts";
import { changeUserRole, inviteUser, setUserDisabled } from "./user-admin.service.ts";
import { ROLE_WORDS } from "./console.view.ts";
import { type CreateUserForm, createUserBody, userCreatedBody } from "./create-user.view.ts";
import { findTargetUser, requireAdmin } from "./admin.guard.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { sendAdminUserPage } from "./user-page.ts";
import { confirmActionBody } from "./confirm.view.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";
import { proven } from "../../http/guards/access.ts";
import { EMAIL_MAX_LENGTH } from "../../auth/email.ts";
import { stepUpFirst, postWithStepUp } from "../../http/guards/pending-action.ts";

const createForm = formSchema({ email: text(EMAIL_MAX_LENGTH, "Email"), name: text(DISPLAY_NAME_MAX_LENGTH, "Name"), role: text(16, "Role") });
const roleForm = formSchema({ role: text(16, "Role"), confirm: text(3).optional() });
const confirmForm = formSchema({ confirm: text(3).optional() });
const emailForm = formSchema({ email: text(EMAIL_MAX_LENGTH, "Email") });
const EMAIL_ERRORS = {
  invalid_email: { code: 400, message: M.emailInvalid },
  duplicate_email: { code: 409, message: M.emailTaken },
} as const;

const CREATE_ERRORS: Record<CreateUserError, { field: "email" | "name" | "role" | "form"; message: string }> = {
  invalid_email: { field: "email", message: M.emailInvalid },
  duplicate_email: { field: "email", message: M.createEmailTaken },
  invalid_name: { field: "name", message: M.nameInvalid },
  invalid_role: { field: "role", message: M.roleInvalid },
  // No password is set here; these cannot happen, but every error has its message.
  too_short: { field: "form", message: M.passwordTooShort },
  too_long: { field: "form", message: M.passwordTooLong },
  too_common: { field: "form", message: M.passwordTooCommon },
};

/** Administrators only: invite users, disable or enable them, change their role or email address. All audited. */
export function adminUserRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;

  const createPage = (request: FastifyRequest, reply: FastifyReply, o: Omit<CreateUserForm, "csrfToken">, code = 200) =>
    sendPage(request, reply, config, { title: M.createTitle, code, body: (csrfToken) => createUserBody({ csrfToken, ...o }) });
  const refuseSelf = (request: FastifyRequest, reply: FastifyReply, targetId: string) =>
    sendMessagePage(request, reply, config, { code: 403, heading: M.selfRefusedHeading, message: M.selfRefused, link: { href: `/admin/users/${targetId}`, text: M.back } });

  const confirmPage = (request: FastifyRequest, reply: FastifyReply, o: Omit<Parameters<typeof confirmActionBody>[0], "csrfToken">) =>
    sendPage(request, reply, config, { title: `${o.heading} · Support console`, body: (csrfToken) => confirmActionBody({ csrfToken, ...o }) });

  return async (app: FastifyInstance) => {
    const admin = { config: { access: "full" as const }, guard: requireAdmin(deps) };

    app.get("/admin/users/new", { config: admin.config, preHandler: admin.guard }, async (request, reply) => createPage(request, reply, {}));

    app.post("/admin/users", { config: admin.config, preHandler: admin.guard }, async (request, reply) => {
      const parsed = parseForm(createForm, request.body);
      if (!parsed.ok) return createPage(request, reply, { errors: { form: parsed.message } }, 400);
      const { email, name, role } = parsed.data;
      const result = await inviteUser(db, deps, { agentId: proven(request, "full").user.id, email, displayName: name, role, meta: requestMeta(request) });
      if (!result.ok) {
        const { field, message } = CREATE_ERRORS[result.error];
        return createPage(request, reply, { values: { email, name, role }, errors: { [field]: message } }, result.error === "duplicate_email" ? 409 : 400);
      }
      const { user, inviteUrl } = result;
      return sendPage(request, reply, config, {
        title: M.createdTitle,
        code: 201,
        body: () => userCreatedBody({ userId: user.id, email: user.email, name: user.display_name, role: user.role, inviteUrl }),
      });
    });

    for (const action of ["disable", "enable"] as const) {
      postWithStepUp(app, `/admin/users/:id/${action}`, { name: `admin.${action}`, ...admin, run: async (request, reply, input) => {
        const target = await findTargetUser(deps, request, reply, input.params);
        if (!target) return reply;
        const parsed = parseForm(confirmForm, input.body);
        if (!parsed.ok) return sendAdminUserPage(request, reply, deps, target, { code: 400, status: parsed.message });
        const auth = proven(request, "full");
        if (target.id === auth.user.id) return refuseSelf(request, reply, target.id);
        if (parsed.data.confirm !== "yes") {
          const [heading, effect] = action === "disable" ? [M.confirmDisableHeading, M.confirmDisable] : [M.confirmEnableHeading, M.confirmEnable];
          return confirmPage(request, reply, { heading: heading(target.display_name), effect: effect(target.display_name), action: `/admin/users/${target.id}/${action}`, submitLabel: action === "disable" ? "Disable user" : "Enable user", backHref: `/admin/users/${target.id}` });
        }
        // Confirmed: a fresh code first, then the kept action finishes by itself (nothing clicked twice).
        if (await stepUpFirst(deps, request, reply, { action: `admin.${action}`, params: { id: target.id }, fields: { confirm: "yes" }, to: { then: "admin", userId: target.id } })) return reply;
        const result = await setUserDisabled(db, deps, { agentId: auth.user.id, userId: target.id, disabled: action === "disable", meta: requestMeta(request) });
        if (result === "own_account") return refuseSelf(request, reply, target.id);
        const done = action === "disable" ? M.disabled(target.display_name) : M.enabled(target.display_name);
        await setFlash(db, auth.session.id, result === "changed" ? done : M.alreadyDisabledOrEnabled(target.display_name, action));
        return reply.redirect(`/admin/users/${target.id}`, 303);
      } });
    }

    postWithStepUp(app, "/admin/users/:id/role", { name: "admin.role", ...admin, run: async (request, reply, input) => {
      const target = await findTargetUser(deps, request, reply, input.params);
      if (!target) return reply;
      const parsed = parseForm(roleForm, input.body);
      if (!parsed.ok) return sendAdminUserPage(request, reply, deps, target, { code: 400, roleError: parsed.message });
      const { role } = parsed.data;
      if (!isRole(role)) return sendAdminUserPage(request, reply, deps, target, { code: 400, roleError: M.roleInvalid });
      const auth = proven(request, "full");
      if (target.id === auth.user.id) return refuseSelf(request, reply, target.id);
      if (parsed.data.confirm !== "yes" && role !== target.role) {
        const [from, to] = [ROLE_WORDS[target.role], ROLE_WORDS[role]];
        const effect = M.confirmRole(target.display_name, from, to);
        return confirmPage(request, reply, { heading: M.confirmRoleHeading(target.display_name), effect, action: `/admin/users/${target.id}/role`, submitLabel: "Change role", fields: { role }, backHref: `/admin/users/${target.id}` });
      }
      if (await stepUpFirst(deps, request, reply, { action: "admin.role", params: { id: target.id }, fields: { role, confirm: "yes" }, to: { then: "admin", userId: target.id } })) return reply;
      const result = await changeUserRole(db, deps, { agentId: auth.user.id, userId: target.id, role, meta: requestMeta(request) });
      if (result === "own_account") return refuseSelf(request, reply, target.id);
      const words = ROLE_WORDS[role].toLowerCase();
      await setFlash(db, auth.session.id, result === "changed" ? M.roleChanged(target.display_name, words) : M.roleUnchanged(target.display_name));
      return reply.redirect(`/admin/users/${target.id}`, 303);
    } });

    postWithStepUp(app, "/admin/users/:id/email", { name: "admin.email", ...admin, run: async (request, reply, input) => {
      const target = await findTargetUser(deps, request, reply, input.params);
      if (!target) return reply;
      const parsed = parseForm(emailForm, input.body);
      if (!parsed.ok) return sendAdminUserPage(request, reply, deps, target, { code: 400, emailForm: { value: target.email, error: parsed.message } });
      const auth = proven(request, "full");
      if (await stepUpFirst(deps, request, reply, { action: "admin.email", params: { id: target.id }, fields: { email: parsed.data.email }, to: { then: "admin", userId: target.id } })) return reply;
      const change = { agentId: auth.user.id, userId: target.id, email: parsed.data.email, meta: requestMeta(request) };
      const result = await changeUserEmail(db, { ...deps, portalName: config.portalName, supportContact: config.supportContact }, change);
      if (result === "invalid_email" || result === "duplicate_email") {
        const { code, message } = EMAIL_ERRORS[result];
        return sendAdminUserPage(request, reply, deps, target, { code, emailForm: { value: parsed.data.email, error: message } });
      }
      const done = M.emailChanged(target.display_name, parsed.data.email.trim());
      await setFlash(db, auth.session.id, result === "changed" ? done : M.emailUnchanged(target.display_name));
      return reply.redirect(`/admin/users/${target.id}`, 303);
    } });
  };
}
