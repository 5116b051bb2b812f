import { randomUUID } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from "fastify";
import type { Config } from "../../config/config.ts";

export const REQUEST_ID_HEADER = "x-request-id";
/** What a proxy's id may look like (a UUID, nginx's hex $request_id, …): short, no spaces or quotes. */
const REQUEST_ID_PATTERN = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * A request id for every log line of a request: the proxy's X-Request-Id when TRUST_PROXY says the
 * proxy's headers are believed (so one id follows the request through proxy and portal), otherwise a
 * random UUID — unique across instances, unlike Fastify's per-process counter.
 */
export function requestIdGenerator(config: Config): (raw: IncomingMessage) => string {
  const trusted = config.trustProxy !== false;
  return (raw) => {
    const incoming = trusted ? raw.headers[REQUEST_ID_HEADER] : undefined;
    return typeof incoming === "string" && REQUEST_ID_PATTERN.test(incoming) ? incoming : randomUUID();
  };
}

/** Every response names its request id, so a user's report or the proxy's log leads to the portal's log lines. */
export function registerRequestId(app: FastifyInstance): void {
  app.addHook("onRequest", async (request, reply) => {
    reply.header(REQUEST_ID_HEADER, request.id);
  });
}

/**
 * One line per request, when it is answered: method, redacted URL, client address, status and time.
 * Fastify's own logging writes two (a second line cost 4–5 % of a page's CPU, bench/README.md);
 * "incoming request" stays, at debug level, for following a request that never finishes.
 */
export class OneLinePerRequest extends LogController {
  override incomingRequest(request: FastifyRequest): void {
    request.log.debug({ req: request }, "incoming request");
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (error) reply.log.error({ req: request, res: reply, err: error, responseTime: reply.elapsedTime }, "request errored");
    else reply.log.info({ req: request, res: reply, responseTime: reply.elapsedTime }, "request completed");
  }
}

// Path parameters that carry a secret (the one-time links /reset-password/:token, /invite/:token, /setup/:token).
const SECRET_PARAM = /token|secret|code|key/i;
const REDACTED = "[redacted]";

/**
 * The request as pino logs it (Fastify's default fields), with the URL made safe: secret path
 * parameters of the matched route are replaced, and so is anything token-, code-, phone- or
 * address-like in an unmatched path or in any query value.
 */
export const requestLogSerializers = {
  req(request: FastifyRequest) {
    return {
      method: request.method,
      url: redactUrl(request.url, request.is404 ? null : (request.params as Record<string, unknown> | undefined)),
      host: request.host,
      remoteAddress: request.ip,
      remotePort: request.socket?.remotePort,
    };
  },
};

/** `params`: the matched route's parameters, or null for an unmatched address (then every suspicious segment goes). */
export function redactUrl(url: string, params: Record<string, unknown> | null | undefined): string {
  const queryAt = url.indexOf("?");
  const path = queryAt === -1 ? url : url.slice(0, queryAt);
  const secrets = new Set(Object.entries(params ?? {}).filter(([name, value]) => SECRET_PARAM.test(name) && typeof value === "string" && value !== "").map(([, value]) => value as string));
  const safePath = path
    .split("/")
    .map((segment) => (params ? secrets.has(safeDecode(segment)) : suspicious(segment, 32)) ? REDACTED : segment)
    .join("/");
  if (queryAt === -1) return safePath;
  const safeQuery = url
    .slice(queryAt + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq === -1 || !suspicious(pair.slice(eq + 1), 64) ? pair : `${pair.slice(0, eq)}=${REDACTED}`;
    })
    .join("&");
  return `${safePath}?${safeQuery}`;
}

/** Our own path words and query values are short lowercase words; tokens, codes, ids, phone numbers and e-mail addresses are not. */
function suspicious(text: string, maxLength: number): boolean {
  return text.length > maxLength || /[0-9A-Z_@+%]/.test(text);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
