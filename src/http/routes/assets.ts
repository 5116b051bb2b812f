import { readFileSync } from "node:fs";
import type { FastifyInstance } from "fastify";

const PUBLIC_DIR = new URL("../../../public/", import.meta.url);

const JS = "text/javascript; charset=utf-8";
/** webauthn.umd.min.js is @simplewebauthn/browser's own bundle, copied unchanged (no build step); passkey.js drives it. */
const ASSETS: Record<string, string> = { "app.css": "text/css; charset=utf-8", "app.js": JS, "webauthn.umd.min.js": JS, "passkey.js": JS };

/** The static files, read once at boot and served from memory; the icon where browsers look for it. */
export function assetRoutes() {
  const files = Object.entries(ASSETS).map(([name, type]) => ({ name, type, body: readFileSync(new URL(name, PUBLIC_DIR)) }));
  const favicon = readFileSync(new URL("favicon.ico", PUBLIC_DIR));
  return async (app: FastifyInstance) => {
    app.get("/favicon.ico", { config: { access: "public" } }, async (_request, reply) =>
      reply.type("image/x-icon").header("cache-control", "public, max-age=86400").send(favicon),
    );
    for (const file of files) {
      app.get(`/assets/${file.name}`, { config: { access: "public" } }, async (_request, reply) =>
        reply.type(file.type).header("cache-control", "public, max-age=3600").send(file.body),
      );
    }
  };
}
