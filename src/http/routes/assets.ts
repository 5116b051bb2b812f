import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

const PUBLIC_DIR = new URL("../../../public/", import.meta.url);

const JS = "text/javascript; charset=utf-8";
/** webauthn.umd.min.js is @simplewebauthn/browser's own bundle, copied unchanged (no build step); passkey.js drives it. */
const ASSETS: Record<string, string> = { "app.css": "text/css; charset=utf-8", "app.js": JS, "webauthn.umd.min.js": JS, "passkey.js": JS };

/** The static files, read once at boot and served from memory. */
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
