import type { FastifyInstance } from "fastify";
import { dashboardBody } from "../../views/pages/dashboard.ts";
import type { AppDeps } from "../deps.ts";
import { sendPage } from "../render.ts";

export function dashboardRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get("/", async (request, reply) => {
      const { user } = request.auth!;
      return sendPage(request, reply, deps.config, {
        title: "Dashboard",
        body: () => dashboardBody({ displayName: user.display_name, lastSignInAt: user.last_sign_in_at }),
      });
    });
  };
}
