import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { setFlash } from "../../auth/step-up.ts";
import { type CreateUserError, isRole } from "../../auth/user.ts";
import { changeUserEmail } from "./email-change.service.ts";
import { changeUserRole, inviteUser, setUserDisabled } from "./user-admin.service.ts";
import { ROLE_WORDS } from "./console.view.ts";
import { type CreateUserForm, createUserBody, userCreatedBody } from "./create-user.view.ts";
import { findTargetUser, requireAdmin } from "./admin.guard.ts";
import type { AppDeps } from "../../deps.ts";
import { emptyFormSchema, formSchema, parseForm, text } from "../../http/forms/form.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { sendAdminUserPage } from "./user-page.ts";
import { proven } from "../../http/guards/access.ts";
import { stepUpFirst, postWithStepUp } from "../../http/guards/pending-action.ts";

const createForm = formSchema({ email: text(320), name: text(200), role: text(16) });
const roleForm = formSchema({ role: text(16) });
const emailForm = formSchema({ email: text(320) });
const EMAIL_ERRORS = {
  invalid_email: { code: 400, message: "Enter a valid email address." },
  duplicate_email: { code: 409, message: "Another user already has this email address." },
} as const;

const CREATE_ERRORS: Record<CreateUserError, { field: "email" | "name" | "role" | "form"; message: string }> = {
  invalid_email: { field: "email", message: "Enter a valid email address." },
  duplicate_email: { field: "email", message: "A user with this email address already exists." },
  invalid_name: { field: "name", message: "Enter a name of 1 to 100 characters." },
  invalid_role: { field: "role", message: "Choose one of the roles." },
  // No password is set here; these cannot happen, but every error has its message.
  too_short: { field: "form", message: "The password is too short." },
  too_long: { field: "form", message: "The password is too long." },
  too_common: { field: "form", message: "The password is too common." },
};

const SELF_REFUSED = "You cannot change your own role or disable your own account: ask another administrator. This keeps the portal from losing its last administrator.";

/** Administrators only: invite users, disable or enable them, change their role or email address. All audited. */
export function adminUserRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;

  const createPage = (request: FastifyRequest, reply: FastifyReply, o: Omit<CreateUserForm, "csrfToken">, code = 200) =>
    sendPage(request, reply, config, { title: "Create user · Support console", code, body: (csrfToken) => createUserBody({ csrfToken, ...o }) });
  const refuseSelf = (request: FastifyRequest, reply: FastifyReply, targetId: string) =>
    sendMessagePage(request, reply, config, { code: 403, heading: "Not allowed on your own account", message: SELF_REFUSED, link: { href: `/admin/users/${targetId}`, text: "Back" } });

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
        title: "User created · Support console",
        code: 201,
        body: () => userCreatedBody({ userId: user.id, email: user.email, name: user.display_name, role: user.role, inviteUrl }),
      });
    });

    for (const action of ["disable", "enable"] as const) {
      postWithStepUp(app, `/admin/users/:id/${action}`, { name: `admin.${action}`, ...admin, run: async (request, reply, input) => {
        const target = await findTargetUser(deps, request, reply, input.params);
        if (!target) return reply;
        const parsed = parseForm(emptyFormSchema, input.body);
        if (!parsed.ok) return sendAdminUserPage(request, reply, deps, target, { code: 400, status: parsed.message });
        const auth = proven(request, "full");
        if (auth.user.id === target.id) return refuseSelf(request, reply, target.id);
        if (await stepUpFirst(deps, request, reply, { action: `admin.${action}`, params: { id: target.id }, to: { then: "admin", userId: target.id } })) return reply;
        const result = await setUserDisabled(db, deps, { agentId: auth.user.id, userId: target.id, disabled: action === "disable", meta: requestMeta(request) });
        if (result === "own_account") return refuseSelf(request, reply, target.id);
        const done = action === "disable" ? `${target.display_name} was disabled and signed out everywhere.` : `${target.display_name} was enabled and can sign in again.`;
        await setFlash(db, auth.session.id, result === "changed" ? done : `${target.display_name} was already ${action}d.`);
        return reply.redirect(`/admin/users/${target.id}`, 303);
      } });
    }

    postWithStepUp(app, "/admin/users/:id/role", { name: "admin.role", ...admin, run: async (request, reply, input) => {
      const target = await findTargetUser(deps, request, reply, input.params);
      if (!target) return reply;
      const parsed = parseForm(roleForm, input.body);
      if (!parsed.ok) return sendAdminUserPage(request, reply, deps, target, { code: 400, roleError: parsed.message });
      const { role } = parsed.data;
      if (!isRole(role)) return sendAdminUserPage(request, reply, deps, target, { code: 400, roleError: "Choose one of the roles." });
      const auth = proven(request, "full");
      if (auth.user.id === target.id) return refuseSelf(request, reply, target.id);
      if (await stepUpFirst(deps, request, reply, { action: "admin.role", params: { id: target.id }, fields: { role }, to: { then: "admin", userId: target.id } })) return reply;
      const result = await changeUserRole(db, deps, { agentId: auth.user.id, userId: target.id, role, meta: requestMeta(request) });
      if (result === "own_account") return refuseSelf(request, reply, target.id);
      const words = ROLE_WORDS[role].toLowerCase();
      await setFlash(db, auth.session.id, result === "changed" ? `${target.display_name} is now ${words === "administrator" ? "an" : "a"} ${words}.` : `${target.display_name} already had that role.`);
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
      const done = `${target.display_name} now signs in with ${parsed.data.email.trim()}. Both addresses were told; their sessions stay signed in.`;
      await setFlash(db, auth.session.id, result === "changed" ? done : `${target.display_name} already had that email address.`);
      return reply.redirect(`/admin/users/${target.id}`, 303);
    } });
  };
}
