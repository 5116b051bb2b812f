import type { FastifyReply, FastifyRequest } from "fastify";
import { isId } from "../../auth/ids.ts";
import { findUserById } from "../../auth/user.ts";
import { isStaffRole } from "./user-admin.service.ts";
import type { User } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../../http/errors.ts";
import { sendMessagePage } from "../../http/render.ts";
import { proven } from "../../http/guards/access.ts";

/**
 * The support console's doors, run after the auth guard has required a full session (so a second
 * factor was proven). A client gets the same 404 as any unknown address: the console is not revealed.
 */
export function requireStaff(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const role = request.auth?.user.role;
    if (role === undefined || !isStaffRole(role)) return sendNotFound(request, reply, deps.config);
    return undefined;
  };
}

/** Administrators only; a support agent already knows the console, so they are told why (403). */
export function requireAdmin(deps: AppDeps) {
  const staff = requireStaff(deps);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const refused = await staff(request, reply);
    if (refused !== undefined) return refused;
    if (proven(request, "full").user.role === "admin") return undefined;
    return sendMessagePage(request, reply, deps.config, {
      code: 403,
      heading: "Administrators only",
      message: "Only an administrator can create users, disable or enable them, or change their role or email address.",
      link: { href: "/admin", text: "Back to the support console" },
    });
  };
}

/** The user named by the route's :id (or by `params`, kept through a step-up), or the 404 page (sent) and undefined. */
export async function findTargetUser(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, params: unknown = request.params): Promise<User | undefined> {
  const { id } = params as { id?: string };
  const user = id && isId(id) ? await findUserById(deps.database.db, id) : undefined;
  if (!user) sendNotFound(request, reply, deps.config);
  return user;
}
