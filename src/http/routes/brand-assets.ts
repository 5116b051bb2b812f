import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../../config/config.ts";
import { BRAND_LOGO_PATH, BRAND_STYLESHEET_PATH, brandAssets, type VersionedAsset } from "../../views/brand.ts";

/**
 * An SVG opened as a document could run script or load anything; as the portal's own origin it
 * would then read its cookies' pages. Its own policy allows only its inline styles.
 */
export const SVG_LOGO_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

/**
 * Serves `asset` with its ETag. Pages link it as `?v=<hash>`: that address never changes content, so
 * it may be cached for a year; any other (an older page after a restart with a new colour) an hour.
 */
function sendVersioned(request: FastifyRequest, reply: FastifyReply, asset: VersionedAsset): FastifyReply {
  const etag = `"${asset.hash}"`;
  const current = (request.query as { v?: unknown }).v === asset.hash;
  reply.header("etag", etag).header("cache-control", current ? "public, max-age=31536000, immutable" : "public, max-age=3600");
  const known = request.headers["if-none-match"]?.split(",").map((tag) => tag.trim().replace(/^W\//, ""));
  if (known?.includes(etag)) return reply.code(304).send();
  return reply.type(asset.contentType).send(asset.body);
}

/** The stylesheet the brand colour makes and, when the logo is a file, the logo. */
export function brandAssetRoutes(config: Config) {
  const brand = brandAssets(config);
  return async (app: FastifyInstance) => {
    app.get(BRAND_STYLESHEET_PATH, { config: { access: "public" } }, async (request, reply) => sendVersioned(request, reply, brand.stylesheet));
    const logo = brand.logoFile;
    if (!logo) return;
    app.get(BRAND_LOGO_PATH, { config: { access: "public" } }, async (request, reply) => {
      // Mail clients in a browser (webmail) load it from their own origin: helmet's same-origin CORP would block it.
      reply.header("cross-origin-resource-policy", "cross-origin");
      if (logo.contentType === "image/svg+xml") reply.header("content-security-policy", SVG_LOGO_CSP);
      return sendVersioned(request, reply, logo);
    });
  };
}
