import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";
import { HTTP_MESSAGES } from "./http.messages.ts";
import { sendMessagePage } from "./render.ts";

/** One place that turns an expected failure into what the user reads (src/http/http.messages.ts). A 500 is always a bug. */
const MESSAGES: Record<number, { heading: string; message: string }> = HTTP_MESSAGES.errors;

export function registerErrorHandlers(app: FastifyInstance, config: Config): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, "unhandled error");
      return sendMessagePage(request, reply, config, { code: 500, heading: HTTP_MESSAGES.serverErrorHeading, message: HTTP_MESSAGES.serverError });
    }
    request.log.info({ code: error.code, status }, "request refused");
    const known = MESSAGES[status] ?? MESSAGES[400]!;
    const message = status === 400 && error.message && error.validation ? HTTP_MESSAGES.requestInvalid(error.message) : known.message;
    return sendMessagePage(request, reply, config, { code: status, heading: known.heading, message, link: backLink(request, config) });
  });

  app.setNotFoundHandler((request, reply) => sendNotFound(request, reply, config));
}

/**
 * A way back from a refused request: the page the form was on when the browser says so (Referer, this
 * portal's own origin only, its path alone: never an open redirect), else the portal's start page.
 */
export function backLink(request: FastifyRequest, config: Config): { href: string; text: string } {
  const referer = request.headers.referer;
  if (referer) {
    try {
      const from = new URL(referer);
      const own = from.origin === config.publicUrl.origin || from.origin === `${request.protocol}://${request.host}`;
      if (own && from.pathname.startsWith("/") && !from.pathname.startsWith("//")) return { href: from.pathname + from.search, text: "Go back to the page you were on" };
    } catch {
      // not a URL: no way back but the start page
    }
  }
  return { href: "/", text: "Go to the portal" };
}

/** The page for an unknown address; also what a page shows to someone who must not learn it exists. */
export function sendNotFound(request: FastifyRequest, reply: FastifyReply, config: Config): FastifyReply {
  return sendMessagePage(request, reply, config, { code: 404, ...MESSAGES[404]!, link: { href: "/", text: HTTP_MESSAGES.goToPortal } });
}
