import type { FastifyReply, FastifyRequest } from "fastify";
import { isStaffRole } from "../../auth/user.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../errors.ts";
import { HTTP_MESSAGES } from "../http.messages.ts";
import { sendMessagePage } from "../render.ts";

/**
 * The consoles' doors (support console, Apps), run after the auth guard has required a full session
 * (so a second factor was proven). A client gets the same 404 as any unknown address: the console is
 * not revealed.
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

/** Administrators only; a support agent already knows the console, so they are told why (403) by `refused`. */
export function requireAdmin(deps: AppDeps, refused: { message: string; link: { href: string; text: string } }) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const why = refusal(request, true);
    if (why === null) return undefined;
    if (why === "hidden") return sendNotFound(request, reply, deps.config);
    return sendMessagePage(request, reply, deps.config, { code: 403, heading: HTTP_MESSAGES.adminsOnlyHeading, ...refused });
  };
}
