import type { FastifyReply, FastifyRequest } from "fastify";
import { isId } from "../../auth/ids.ts";
import { findUserById } from "../../auth/user.ts";
import type { User } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../../http/errors.ts";
import { requireAdmin as requireAdminRole } from "../../http/guards/admin.guard.ts";
import { SUPPORT_CONSOLE_MESSAGES as M } from "./support-console.messages.ts";

export { requireStaff } from "../../http/guards/admin.guard.ts";

/** Administrators only (users' accounts); a support agent is told why. */
export function requireAdmin(deps: AppDeps) {
  return requireAdminRole(deps, {
    message: M.adminsOnly,
    link: { href: "/admin", text: M.backToConsole },
  });
}

/** The user named by the route's :id (or by `params`, kept through a step-up), or the 404 page (sent) and undefined. */
export async function findTargetUser(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, params: unknown = request.params): Promise<User | undefined> {
  const { id } = params as { id?: string };
  const user = id && isId(id) ? await findUserById(deps.database.db, id) : undefined;
  if (!user) sendNotFound(request, reply, deps.config);
  return user;
}
