import type { FastifyReply, FastifyRequest } from "fastify";
import { isId } from "../../auth/ids.ts";
import { findUserById } from "../../auth/user.ts";
import { isStaffRole } from "./user-admin.service.ts";
import type { User } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../../http/errors.ts";
import { sendMessagePage } from "../../http/render.ts";

/**
 * The support console's doors, run after the auth guard has required a full session (so a second
 * factor was proven). A client gets the same 404 as any unknown address: the console is not revealed.
 *
 * A guard answers by returning the reply it sent. Never `await` another guard's answer to decide:
 * a FastifyReply is a thenable that resolves to undefined once sent, so the caller would think the
 * request was let through and answer a second time ("Reply was already sent"). Decide with plain
 * values (`refusal` below) and send once.
 */
function refusal(request: FastifyRequest, adminOnly: boolean): "hidden" | "admins_only" | null {
  const role = request.auth?.user.role;
  if (role === undefined || !isStaffRole(role)) return "hidden";
  return adminOnly && role !== "admin" ? "admins_only" : null;
}

export function requireStaff(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => (refusal(request, false) ? sendNotFound(request, reply, deps.config) : undefined);
}

/** Administrators only; a support agent already knows the console, so they are told why (403). */
export function requireAdmin(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const refused = refusal(request, true);
    if (refused === null) return undefined;
    if (refused === "hidden") return sendNotFound(request, reply, deps.config);
    return sendMessagePage(request, reply, deps.config, {
      code: 403,
      heading: "Administrators only",
      message: "Only an administrator can create users, disable or enable them, or change their role or email address.",
      link: { href: "/admin", text: "Back to the support console" },
    });
  };
}

/** The user named by the route's :id, or the 404 page (sent) and undefined. */
export async function findTargetUser(deps: AppDeps, request: FastifyRequest, reply: FastifyReply): Promise<User | undefined> {
  const { id } = request.params as { id?: string };
  const user = id && isId(id) ? await findUserById(deps.database.db, id) : undefined;
  if (!user) sendNotFound(request, reply, deps.config);
  return user;
}
