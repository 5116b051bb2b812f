import type { FastifyReply, FastifyRequest } from "fastify";
import type { Config } from "../config/config.ts";

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
