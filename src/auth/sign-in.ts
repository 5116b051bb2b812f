import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { DB, Session, User } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { verifyAgainstDummy, verifyPassword } from "./password.ts";
import { createSession, type SessionMeta } from "./session.ts";
import { findUserByEmail } from "./user.ts";

export type PasswordSignInResult = { ok: true; token: string; session: Session; user: User } | { ok: false };

/**
 * The password step. Every failure (unknown email, no password yet, disabled, wrong password) returns
 * the same value after the same argon2 work, so the response cannot tell them apart.
 * Success opens a session that is only *pending* its second factor.
 */
export async function signInWithPassword(
  db: Kysely<DB>,
  deps: { clock: Clock; random: RandomSource },
  email: string,
  password: string,
  meta: SessionMeta,
): Promise<PasswordSignInResult> {
  const user = await findUserByEmail(db, email);
  const passwordOk = user?.password_hash ? await verifyPassword(user.password_hash, password) : await verifyAgainstDummy(password);
  if (!user || !passwordOk || user.disabled_at !== null) {
    await recordAuditEvent(db, deps, {
      type: "signin.password_failed",
      actorUserId: null,
      subjectUserId: user?.id ?? null,
      ip: meta.ip,
      userAgent: meta.userAgent,
      detail: { reason: !user ? "unknown_email" : user.disabled_at !== null ? "disabled" : "wrong_password" },
    });
    return { ok: false };
  }
  const { token, session } = await createSession(db, deps, user.id, { stage: "pending", meta });
  await recordAuditEvent(db, deps, { type: "signin.password_succeeded", actorUserId: user.id, subjectUserId: user.id, ip: meta.ip, userAgent: meta.userAgent });
  return { ok: true, token, session, user };
}
