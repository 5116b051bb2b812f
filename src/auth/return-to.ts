import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

/**
 * Where a browser may continue after signing in: local paths of the flows that send a browser to
 * /login on someone else's behalf, or an address on a registered app's origin (forward auth's `rd`),
 * never any other absolute URL or a protocol-relative `//host` (no open redirect, OWASP Unvalidated
 * Redirects and Forwards Cheat Sheet). `allowedContinuation` is the one function that decides.
 */
const LOCAL_CONTINUATIONS: readonly RegExp[] = [
  // The OpenID Connect interaction that sent the browser to sign in (src/features/oidc).
  /^\/oidc\/interaction\/[A-Za-z0-9_-]{1,64}$/,
];

export const RETURN_TO_MAX_LENGTH = 2048;

export function isAllowedReturnTo(value: string | null | undefined): value is string {
  if (typeof value !== "string" || value.length === 0 || value.length > RETURN_TO_MAX_LENGTH) return false;
  return LOCAL_CONTINUATIONS.some((pattern) => pattern.test(value));
}

/**
 * An absolute http(s) address, before asking whether its origin is a registered app's. Refused: other
 * schemes, credentials (`https://app@evil.example`), backslashes, spaces and control characters
 * (browsers and URL parsers disagree on them: `https://evil.example\@app`), anything over 2,048.
 */
export function parseAbsoluteReturnTo(value: string): URL | null {
  // biome-ignore lint: control characters are exactly what this refuses
  if (value.length > RETURN_TO_MAX_LENGTH || /[\u0000-\u0020\u007f\\]/.test(value) || !/^https?:\/\/[^/?#]/i.test(value) || !URL.canParse(value)) return null;
  const url = new URL(value);
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.username || url.password) return null;
  return url;
}

/**
 * The one decision on a continuation: a local flow path as it is, or an absolute address whose origin
 * (scheme, host and port) is exactly a registered app's, normalised; otherwise null (a caller then
 * goes to its usual page). One indexed lookup (apps by host) for an absolute address.
 */
export async function allowedContinuation(db: Kysely<DB>, value: unknown): Promise<string | null> {
  if (typeof value !== "string") return null;
  if (isAllowedReturnTo(value)) return value;
  const url = parseAbsoluteReturnTo(value);
  if (!url) return null;
  const apps = await db.selectFrom("apps").select("url").where("host", "=", url.host).execute();
  return apps.some((app) => URL.canParse(app.url) && new URL(app.url).origin === url.origin) ? url.href : null;
}

/** The continuation if it is a local flow path, otherwise null (see allowedContinuation for app addresses). */
export function allowedReturnTo(value: unknown): string | null {
  return typeof value === "string" && isAllowedReturnTo(value) ? value : null;
}

/** Remembers on a session (pending its second factor) where its browser continues once signed in. */
export async function saveReturnTo(db: Kysely<DB>, sessionId: string, returnTo: string): Promise<void> {
  // The caller had it from allowedContinuation; it is decided again when the sign-in finishes.
  if (!isAllowedReturnTo(returnTo) && !parseAbsoluteReturnTo(returnTo)) throw new TypeError("not an allowed continuation");
  await db.updateTable("sessions").set({ return_to: returnTo }).where("id", "=", sessionId).execute();
}

/** /login carrying a continuation, for a flow that needs the browser signed in first. */
export function loginUrlFor(returnTo: string): string {
  if (!isAllowedReturnTo(returnTo)) throw new TypeError("not an allowed continuation");
  return `/login?next=${encodeURIComponent(returnTo)}`;
}
