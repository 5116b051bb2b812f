import type { FastifyInstance } from "fastify";
import type { AppDeps } from "../../deps.ts";

export function healthRoutes(deps: AppDeps) {
  return async (app: FastifyInstance) => {
    app.get("/healthz", { config: { access: "public" } }, async (_request, reply) => reply.header("cache-control", "no-store").send({ status: "ok" }));
    app.get("/readyz", { config: { access: "public" } }, async (_request, reply) => {
      const ready = await deps.database.ping();
      return reply.code(ready ? 200 : 503).header("cache-control", "no-store").send({ status: ready ? "ready" : "database unreachable" });
    });
  };
}
