import type { FastifyInstance } from "fastify";
import type { Outbox } from "../../adapters/outbox.ts";
import type { Config } from "../../config/config.ts";
import { brandAssets } from "../../views/brand.ts";
import { outboxBody } from "../../views/outbox.ts";
import { renderPage } from "../../views/layout.ts";

/** /dev/outbox: only registered when NODE_ENV is not production and the console senders are in use. */
export function devOutboxRoutes(outbox: Outbox, config: Config) {
  return async (app: FastifyInstance) => {
    app.get("/dev/outbox", { config: { access: "public" } }, async (_request, reply) =>
      reply
        .header("cache-control", "no-store")
        .type("text/html; charset=utf-8")
        .send(renderPage({ title: "Development outbox", brand: brandAssets(config), csrfToken: "", user: null, body: outboxBody(outbox.list()) })),
    );
    app.get("/dev/outbox.json", { config: { access: "public" } }, async (_request, reply) => reply.header("cache-control", "no-store").send(outbox.list()));
  };
}
