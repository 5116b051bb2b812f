import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { setFlash } from "../../auth/step-up.ts";
import type { User } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { proven } from "../../http/guards/access.ts";
import { HTTP_MESSAGES } from "../../http/http.messages.ts";
import { sendMessagePage, sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { findTargetUser, requireAdmin } from "./admin.guard.ts";
import { confirmActionBody } from "./confirm.view.ts";
import { RESEND_LIMIT_PER_HOUR, resendInvitation, revokeInvitation } from "./invitation-admin.service.ts";
import { isPendingInvitation } from "./invitations.service.ts";
import { invitationsHref } from "./invitations.view.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";
import { pageParams } from "./user-pages.ts";
import { pageRequest, position } from "./users-list.query.ts";

/** The list's page the form was on (to go back to it), and the confirmation. */
const actionForm = formSchema({ ...position, confirm: text(3).optional() });

/**
 * "Resend invitation" and "Revoke invitation", administrators only. Like "Create user" (which sends
 * the first link) they need no fresh code: a resend sends a link only to the address an administrator
 * already invited, and a revoke takes away an account nobody has used. Revoking asks first. Audited.
 */
export function invitationActionRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;
  const invitationDeps = { ...deps, publicUrl: config.publicUrl, portalName: config.portalName };
  const backToList = { href: "/admin/users/invitations", text: M.back };

  /** The target and the form, or the refusal page (sent) and null. */
  async function begin(request: FastifyRequest, reply: FastifyReply) {
    const target = await findTargetUser(deps, request, reply);
    if (!target) return null;
    const parsed = parseForm(actionForm, request.body);
    if (!parsed.ok) {
      sendMessagePage(request, reply, config, { code: 400, heading: HTTP_MESSAGES.badRequestHeading, message: parsed.message, link: backToList });
      return null;
    }
    const listPage = pageRequest(parsed.data) ?? { page: 1 };
    return { target, form: parsed.data, listPage, agent: proven(request, "full"), back: invitationsHref(listPage) };
  }

  const refuseOwn = (request: FastifyRequest, reply: FastifyReply) =>
    sendMessagePage(request, reply, config, { code: 403, heading: M.selfRefusedHeading, message: M.ownInvitation, link: backToList });
  const notPending = async (reply: FastifyReply, sessionId: string, target: User, back: string) => {
    await setFlash(db, sessionId, M.invitationNotPending(target.display_name));
    return reply.redirect(back, 303);
  };

  return async (app: FastifyInstance) => {
    const admin = { config: { access: "full" as const }, preHandler: requireAdmin(deps) };

    app.post("/admin/users/:id/invitation/resend", admin, async (request, reply) => {
      const started = await begin(request, reply);
      if (!started) return reply;
      const { target, agent, back } = started;
      const result = await resendInvitation(db, invitationDeps, { agentId: agent.user.id, userId: target.id, meta: requestMeta(request) });
      if (result.ok) {
        await setFlash(db, agent.session.id, M.invitationResent(result.user.email));
        return reply.redirect(back, 303);
      }
      if (result.reason === "own_account") return refuseOwn(request, reply);
      if (result.reason === "not_pending") return notPending(reply, agent.session.id, target, back);
      const minutes = Math.max(1, Math.ceil(result.retryInMs / 60_000));
      const message = M.invitationResendLimited(target.email, RESEND_LIMIT_PER_HOUR, minutes);
      reply.header("retry-after", String(Math.ceil(result.retryInMs / 1000)));
      return sendMessagePage(request, reply, config, { code: 429, heading: HTTP_MESSAGES.errors[429].heading, message, link: { ...backToList, href: back } });
    });

    app.post("/admin/users/:id/invitation/revoke", admin, async (request, reply) => {
      const started = await begin(request, reply);
      if (!started) return reply;
      const { target, form, listPage, agent, back } = started;
      if (target.id === agent.user.id) return refuseOwn(request, reply);
      if (!(await isPendingInvitation(db, target.id))) return notPending(reply, agent.session.id, target, back);
      if (form.confirm !== "yes") {
        const heading = M.confirmRevokeHeading(target.email);
        const body = (csrfToken: string) =>
          confirmActionBody({ csrfToken, heading, effect: M.confirmRevoke(target.email), action: `/admin/users/${target.id}/invitation/revoke`, submitLabel: "Revoke invitation", fields: Object.fromEntries(pageParams(listPage)), backHref: back });
        return sendPage(request, reply, config, { title: `${heading} · Support console`, body });
      }
      const result = await revokeInvitation(db, invitationDeps, { agentId: agent.user.id, userId: target.id, meta: requestMeta(request) });
      if (!result.ok) return result.reason === "own_account" ? refuseOwn(request, reply) : notPending(reply, agent.session.id, target, back);
      await setFlash(db, agent.session.id, M.invitationRevoked(result.user.email));
      return reply.redirect(back, 303);
    });
  };
}
