import type { FastifyInstance } from "fastify";
import type { ValidSession } from "../../auth/session.ts";
import { twoFactorPlaceholderBody } from "../../views/pages/two-factor-placeholder.ts";
import type { AppDeps } from "../deps.ts";
import { sendPage } from "../render.ts";

/** The page a pending session belongs on. With no method set up yet, that is the forced set-up. */
export async function secondFactorHome(_deps: AppDeps, _auth: ValidSession): Promise<string> {
  return "/two-factor/setup";
}

export function twoFactorRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get("/two-factor", { config: { access: "session" } }, async (request, reply) => {
      const auth = request.auth!;
      return reply.redirect(auth.session.stage === "pending" ? await secondFactorHome(deps, auth) : "/two-factor/setup", 303);
    });
    app.get("/two-factor/setup", { config: { access: "session" } }, async (request, reply) =>
      sendPage(request, reply, deps.config, { title: "Manage Two-Factor Login", body: () => twoFactorPlaceholderBody() }),
    );
  };
}
