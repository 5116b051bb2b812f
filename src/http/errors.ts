import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";
import { sendMessagePage } from "./render.ts";

/** One place that turns an expected failure into what the user reads. A 500 is always a bug. */
const MESSAGES: Record<number, { heading: string; message: string }> = {
  400: { heading: "That request could not be read", message: "The form was incomplete or malformed. Go back and try again." },
  403: { heading: "Request refused", message: "This form has expired or was sent from another site. Go back, reload the page and try again." },
  404: { heading: "Page not found", message: "There is no page at this address." },
  405: { heading: "Not allowed", message: "This address does not accept that kind of request." },
  413: { heading: "Request too large", message: "What you sent is larger than this portal accepts." },
  415: { heading: "Unsupported form", message: "Forms must be sent as application/x-www-form-urlencoded." },
  429: { heading: "Too many requests", message: "Please wait a moment and try again." },
};

export function registerErrorHandlers(app: FastifyInstance, config: Config): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    if (status === 500) {
      request.log.error({ err: error }, "unhandled error");
      return sendMessagePage(request, reply, config, { code: 500, heading: "Something went wrong", message: "The portal could not complete this request. Please try again." });
    }
    request.log.info({ code: error.code, status }, "request refused");
    const known = MESSAGES[status] ?? MESSAGES[400]!;
    const message = status === 400 && error.message && error.validation ? `The request is not valid: ${error.message}.` : known.message;
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
  return sendMessagePage(request, reply, config, { code: 404, ...MESSAGES[404]!, link: { href: "/", text: "Go to the portal" } });
}
