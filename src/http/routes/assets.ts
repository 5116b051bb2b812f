import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

const PUBLIC_DIR = new URL("../../../public/", import.meta.url);

const ASSETS: Record<string, string> = { "app.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8" };

/** The two static files, read once at boot and served from memory. */
export function assetRoutes() {
  const files = Object.entries(ASSETS).map(([name, type]) => ({ name, type, body: readFileSync(new URL(name, PUBLIC_DIR)) }));
  return async (app: FastifyInstance) => {
    for (const file of files) {
      app.get(`/assets/${file.name}`, { config: { access: "public" } }, async (_request, reply) =>
        reply.type(file.type).header("cache-control", "public, max-age=3600").send(file.body),
      );
    }
  };
}
