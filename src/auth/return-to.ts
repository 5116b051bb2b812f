import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

/**
 * Where a browser may continue after signing in. Only local paths of the flows that send a browser
 * to /login on someone else's behalf are accepted, never an absolute URL or a protocol-relative
 * `//host` (no open redirect, OWASP Unvalidated Redirects and Forwards Cheat Sheet). This is the one
 * function that decides: forward auth adds "a registered app's origin" here.
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

/** The continuation if it is allowed, otherwise null (a caller then goes to its usual page). */
export function allowedReturnTo(value: unknown): string | null {
  return typeof value === "string" && isAllowedReturnTo(value) ? value : null;
}

/** Remembers on a session (pending its second factor) where its browser continues once signed in. */
export async function saveReturnTo(db: Kysely<DB>, sessionId: string, returnTo: string): Promise<void> {
  if (!isAllowedReturnTo(returnTo)) throw new TypeError("not an allowed continuation");
  await db.updateTable("sessions").set({ return_to: returnTo }).where("id", "=", sessionId).execute();
}

/** /login carrying a continuation, for a flow that needs the browser signed in first. */
export function loginUrlFor(returnTo: string): string {
  if (!isAllowedReturnTo(returnTo)) throw new TypeError("not an allowed continuation");
  return `/login?next=${encodeURIComponent(returnTo)}`;
}
