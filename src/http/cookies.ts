import type { FastifyReply, FastifyRequest } from "fastify";
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

/** `__Host-` over https, like the session cookie: this origin only, Secure, Path=/. */
export function rememberCookieName(config: Config): string {
  return config.secureCookies ? "__Host-gatehouse_remember" : "gatehouse_remember";
}

export function readRememberCookie(request: FastifyRequest, config: Config): string | undefined {
  return request.cookies[rememberCookieName(config)];
}

/** HttpOnly, SameSite=Lax, Secure over https, and Max-Age: it outlives the browser's session. */
export function setRememberCookie(reply: FastifyReply, config: Config, value: string, maxAgeSeconds: number): void {
  reply.setCookie(rememberCookieName(config), value, { path: "/", httpOnly: true, sameSite: "lax", secure: config.secureCookies, maxAge: maxAgeSeconds });
}

/** Why the sign-in page is shown, carried across one redirect: a key of a fixed list, never text to display. */
export type SignInNotice = "signed-out" | "session-ended";
const NOTICE_COOKIE = "gatehouse_signin_notice";
const NOTICE_KEYS: readonly string[] = ["signed-out", "session-ended"] satisfies SignInNotice[];

export function setSignInNotice(reply: FastifyReply, config: Config, notice: SignInNotice): void {
  reply.setCookie(NOTICE_COOKIE, notice, { path: "/login", httpOnly: true, sameSite: "lax", secure: config.secureCookies, maxAge: 120 });
}

/** The notice this browser carries to /login (cleared as it is read), or null. */
export function takeSignInNotice(request: FastifyRequest, reply: FastifyReply, config: Config): SignInNotice | null {
  const value = request.cookies[NOTICE_COOKIE];
  if (value === undefined) return null;
  reply.clearCookie(NOTICE_COOKIE, { path: "/login", httpOnly: true, sameSite: "lax", secure: config.secureCookies });
  return NOTICE_KEYS.includes(value) ? (value as SignInNotice) : null;
}
