import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";
import type { SafeHtml } from "../views/html.ts";
import { collectPageErrors } from "../views/error-summary.ts";
import { brandAssets } from "../views/brand.ts";
import { renderPage } from "../views/layout.ts";
import { messageBody } from "../views/message.ts";
import { renderInTimeZone } from "../views/time.ts";

export interface PageInput {
  title: string;
  body: (csrfToken: string) => SafeHtml;
  status?: string | null;
  code?: number;
}

/** Renders a whole page for the request's user; every page is uncacheable (it may be personal). */
export function sendPage(request: FastifyRequest, reply: FastifyReply, config: Config, page: PageInput): FastifyReply {
  const csrfToken = reply.generateCsrf();
  const auth = request.auth;
  const { rendered: body, errors } = renderInTimeZone(timeZoneOf(request), () => collectPageErrors(() => page.body(csrfToken)));
  const markup = renderPage({
    title: page.title,
    brand: brandAssets(config),
    csrfToken,
    user: auth ? { displayName: auth.user.display_name, full: auth.session.stage === "full", role: auth.user.role } : null,
    status: page.status ?? null,
    body,
    errors,
    failed: request.method === "POST" && (page.code ?? 200) >= 400,
  });
  return reply.code(page.code ?? 200).header("cache-control", "no-store").type("text/html; charset=utf-8").send(markup);
}

/**
 * The time zone the request's user chose on "Profile", once their password is proven; null (none chosen,
 * nobody signed in, or only a password-reset link opened): UTC, which app.js shows in the browser's zone.
 */
export function timeZoneOf(request: FastifyRequest): string | null {
  const auth = request.auth;
  return auth && auth.session.stage !== "recovery" ? auth.user.time_zone : null;
}

export function sendMessagePage(
  request: FastifyRequest,
  reply: FastifyReply,
  config: Config,
  o: { code: number; heading: string; message: string; link?: { href: string; text: string } },
): FastifyReply {
  return sendPage(request, reply, config, { title: o.heading, code: o.code, body: () => messageBody(o) });
}
