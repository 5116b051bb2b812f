import type { FastifyReply } from "fastify";
import type { Config } from "../config/config.ts";

/**
 * `__Host-` binds the cookie to this exact origin over https (no Domain, Path=/, Secure). With
 * COOKIE_DOMAIN the cookie must carry Domain, which `__Host-` forbids: it is then `__Secure-` (still
 * only set and sent over https; RFC 6265bis §4.1.3).
 */
export function sessionCookieName(config: Config): string {
  if (!config.secureCookies) return "gatehouse_session";
  return config.cookieDomain ? "__Secure-gatehouse_session" : "__Host-gatehouse_session";
}

function cookieOptions(config: Config) {
  return { path: "/", httpOnly: true, sameSite: "lax" as const, secure: config.secureCookies, ...(config.cookieDomain ? { domain: config.cookieDomain } : {}) };
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(sessionCookieName(config), token, cookieOptions(config));
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName(config), cookieOptions(config));
}
