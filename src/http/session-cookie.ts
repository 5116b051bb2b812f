import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";

/** `__Host-` binds the cookie to this exact origin over https (no Domain, Path=/, Secure). */
export function sessionCookieName(config: Config): string {
  return config.secureCookies ? "__Host-gatehouse_session" : "gatehouse_session";
}

export function setSessionCookie(reply: FastifyReply, config: Config, token: string): void {
  reply.setCookie(sessionCookieName(config), token, { path: "/", httpOnly: true, sameSite: "lax", secure: config.secureCookies });
}

export function clearSessionCookie(reply: FastifyReply, config: Config): void {
  reply.clearCookie(sessionCookieName(config), { path: "/", httpOnly: true, sameSite: "lax", secure: config.secureCookies });
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
