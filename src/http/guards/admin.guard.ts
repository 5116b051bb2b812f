import type { FastifyReply, FastifyRequest } from "fastify";
import { isStaffRole } from "../../auth/user.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../errors.ts";
import { sendMessagePage } from "../render.ts";
import { proven } from "./access.ts";

/**
 * The consoles' doors (support console, Apps), run after the auth guard has required a full session
 * (so a second factor was proven). A client gets the same 404 as any unknown address: the console is
 * not revealed.
 */
export function requireStaff(deps: AppDeps) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const role = request.auth?.user.role;
    if (role === undefined || !isStaffRole(role)) return sendNotFound(request, reply, deps.config);
    return undefined;
  };
}

/** Administrators only; a support agent already knows the console, so they are told why (403) by `refusal`. */
export function requireAdmin(deps: AppDeps, refusal: { message: string; link: { href: string; text: string } }) {
  const staff = requireStaff(deps);
  return async (request: FastifyRequest, reply: FastifyReply): Promise<unknown> => {
    const refused = await staff(request, reply);
    if (refused !== undefined) return refused;
    if (proven(request, "full").user.role === "admin") return undefined;
    return sendMessagePage(request, reply, deps.config, { code: 403, heading: "Administrators only", ...refusal });
  };
}
