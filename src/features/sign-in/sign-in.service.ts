import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import type { DB, Session, User } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { passwordStepAttempts } from "../../auth/lockout.ts";
import { flowKeyOf } from "../../auth/hash-queue.ts";
import { admitSignIn, type HashTurn, verifyAgainstDummy, verifyPassword } from "../../auth/password.ts";
import { createSession, type SessionMeta } from "../../auth/session.ts";
import { findUserByEmail } from "../../auth/user.ts";
import { checkRememberedBrowser, knownBrowserFlow } from "../../auth/remembered-browsers.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { completeSecondFactor } from "../../auth/second-factor-sign-in.ts";

export type PasswordSignInResult =
  | { ok: true; token: string; session: Session; user: User }
  | { ok: false; reason: "invalid" }
  /** The right password of a disabled account: said only after the password proved who is asking. */
  | { ok: false; reason: "disabled" }
  /** Too many failures from this address: the only refusal that says so (it names no account). */
  | { ok: false; reason: "ip_throttled"; retryAtMs: number }
  /** More sign-ins than argon2id can verify in time: refused before anything was read or written. */
  | { ok: false; reason: "shed"; retryAfterS: number };

/**
 * The password step. Every failure of an account (unknown email, no password yet, wrong password,
 * locked after too many failures) returns the same value after the same argon2 work, so the response
 * cannot tell them apart. A disabled account is told so only when its right password was given (and it
 * is not locked): whoever knows the password may learn the account's state, nobody else (OWASP ASVS
 * V2.2 / Authentication Cheat Sheet: generic messages for what a guesser could learn from).
 * Success opens a session that is only *pending* its second factor.
 * First of all it asks for a place in argon2id's queue: a sign-in that would not be verified within
 * `maxWaitMs` is shed before any failure slot is reserved, so it counts against no limit and leaves no row
 * (a remembered browser's cookie is read first, to choose the lane; nothing is written).
 */
export async function signInWithPassword(
  db: Kysely<DB>,
  deps: CoreDeps,
  input: { email: string; password: string; meta: SessionMeta; maxWaitMs: number; rememberCookie: string | undefined },
): Promise<PasswordSignInResult> {
  const { email, password, meta } = input;
  // A browser this account asked to remember waits in the known lane, ahead of a flood of strangers.
  const known = await knownBrowserFlow(db, deps.clock, input.rememberCookie, email);
  const admission = known ? admitSignIn(known, input.maxWaitMs, "known") : admitSignIn(flowKeyOf(meta.ip), input.maxWaitMs);
  if (!admission.admitted) return { ok: false, reason: "shed", retryAfterS: admission.retryAfterS };
  try {
    return await checkPassword(db, deps, email, password, meta, { ticket: admission.ticket });
  } finally {
    admission.ticket.release(); // a no-op once the verification has taken its place
  }
}

async function checkPassword(db: Kysely<DB>, deps: CoreDeps, email: string, password: string, meta: SessionMeta, turn: HashTurn): Promise<PasswordSignInResult> {
  const user = await findUserByEmail(db, email);
  const attempts = await passwordStepAttempts(db, deps, meta, user?.id ?? null);
  const { ip, account } = attempts;
  if (!ip.allowed) return { ok: false, reason: "ip_throttled", retryAtMs: ip.retryAtMs! };
  const checkable = user?.password_hash && account?.allowed;
  const passwordOk = checkable ? await verifyPassword(user.password_hash!, password, turn) : await verifyAgainstDummy(password, turn);
  // An unknown e-mail fails on a stand-in account: the same statements as a wrong password (timing).
  if (!passwordOk) await (account ?? attempts.unknownAccount)?.failed();
  // Only the right password of a disabled account is told so (a wrong one gets the generic answer).
  if (user && passwordOk && user.disabled_at !== null) {
    await account!.succeeded();
    await recordAuditEvent(db, deps, { type: "signin.refused_disabled", actorUserId: null, subjectUserId: user.id, ...meta });
    return { ok: false, reason: "disabled" };
  }
  if (!user || !passwordOk) {
    await ip.failed();
    const reason = !user ? "unknown_email" : !account?.allowed ? "locked" : user.disabled_at !== null ? "disabled" : "wrong_password";
    await recordAuditEvent(db, deps, { type: "signin.password_failed", actorUserId: null, subjectUserId: user?.id ?? null, ...meta, detail: { reason } });
    return { ok: false, reason: "invalid" };
  }
  // One commit for what a success writes: the failure slots given back, the session, the audit event.
  const { token, session } = await db.transaction().execute(async (trx) => {
    await attempts.succeeded(trx);
    const opened = await createSession(trx, deps, user.id, { stage: "pending", meta });
    await recordAuditEvent(trx, deps, { type: "signin.password_succeeded", actorUserId: user.id, subjectUserId: user.id, ...meta });
    return opened;
  });
  return { ok: true, token, session, user };
}

/**
 * The password was right: a remembered browser of this very user (with a method still active: a reset
 * forgets every browser anyway) turns the pending session into a full one recorded as "remembered".
 */
export async function completeFromRememberedBrowser(
  db: Kysely<DB>,
  deps: CoreDeps,
  input: { user: User; pending: Session; cookie: string | undefined; meta: SessionMeta },
): Promise<{ token: string; session: Session } | null> {
  if (!input.cookie || !(await checkRememberedBrowser(db, deps.clock, input.cookie, input.user.id))) return null;
  if (!(await findActiveFactor(db, input.user.id))) return null;
  const completed = await completeSecondFactor(db, deps, input.pending, input.meta, { method: "remembered" });
  return completed && completed !== "taken" ? completed : null;
}
