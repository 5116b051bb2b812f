import type { CoreDeps } from "./deps.ts";
import { type Kysely, sql } from "kysely";
import type { Clock } from "../clock.ts";
import { sha256Hex } from "../crypto/hash.ts";
import { generateToken } from "../crypto/random.ts";
import { precompiled } from "../db/precompiled.ts";
import type { DB, SecondFactorKind, Session, SessionStage, SignInMethod, User } from "../db/schema.ts";
import { newId } from "./ids.ts";

// NIST SP 800-63B §4.2.3 (AAL2): reauthenticate after 30 minutes of inactivity and at least every 12 hours.
export const SESSION_IDLE_MS = 30 * 60_000;
export const SESSION_ABSOLUTE_MS = 12 * 60 * 60_000;
/** A session that has passed only the password lives briefly: long enough to set up or enter a factor. */
export const PENDING_SESSION_ABSOLUTE_MS = 30 * 60_000;
/** last_seen_at is written at most once a minute, not on every request; idle expiry is that precise. */
export const LAST_SEEN_WRITE_INTERVAL_MS = 60_000;

export type SessionDeps = CoreDeps;

export interface SessionMeta {
  ip: string | null;
  userAgent: string | null;
  /** The address as per-IP limits count it (IPv6 by network, http/ip-group.ts); `ip` when absent. */
  limitGroup?: string | null;
}

/** The key part per-IP limits use for this client. */
export function limitGroupKey(meta: Pick<SessionMeta, "ip" | "limitGroup">): string {
  return meta.limitGroup ?? meta.ip ?? "unknown";
}

/** How the user proves the second factor now, without its secret (what pages show). */
export interface ActiveMethod {
  kind: SecondFactorKind;
  phoneE164: string | null;
}

export interface ValidSession {
  session: Session;
  user: User;
  /** As of the session lookup: a request that changes the method must read it again. */
  activeMethod: ActiveMethod | null;
}

export interface NewSession {
  stage: SessionStage;
  meta: SessionMeta;
  secondFactorAt?: number | null;
  secondFactorMethod?: SignInMethod | null;
  flash?: string | null;
  /** A full session: when its password was verified (the ID token's auth_time; its amr comes from secondFactorMethod). */
  passwordVerifiedAt?: number | null;
  returnTo?: string | null;
}

/** The token goes to the cookie; only its SHA-256 is stored, so a database leak yields no sessions. */
export async function createSession(db: Kysely<DB>, deps: SessionDeps, userId: string, options: NewSession): Promise<{ token: string; session: Session }> {
  const token = generateToken(deps.random, 32);
  const now = deps.clock.nowMs();
  const session: Session = {
    id: sha256Hex(token),
    user_id: userId,
    stage: options.stage,
    created_at: now,
    last_seen_at: now,
    expires_at: now + (options.stage === "full" ? SESSION_ABSOLUTE_MS : PENDING_SESSION_ABSOLUTE_MS),
    second_factor_at: options.secondFactorAt ?? null,
    ip: options.meta.ip,
    user_agent: options.meta.userAgent?.slice(0, 512) ?? null,
    code_attempts: 0,
    flash: options.flash ?? null,
    handle: newId(deps.random),
    password_verified_at: options.passwordVerifiedAt ?? null,
    return_to: options.returnTo ?? null,
    second_factor_method: options.secondFactorMethod ?? null,
    webauthn_challenge: null,
    webauthn_challenge_expires_at: null,
  };
  await db.insertInto("sessions").values(session).execute();
  return { token, session };
}

export function isSessionExpired(session: Session, nowMs: number): boolean {
  return nowMs >= session.expires_at || nowMs - session.last_seen_at >= SESSION_IDLE_MS;
}

/** Every authenticated request's query, built once (src/db/precompiled.ts). */
const sessionWithUser = precompiled(["id"], (db, p) =>
  db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
      // The active method comes with the session (one query fewer on the pages that show it); a
      // literal 'active' lets SQLite use the partial index on active factors.
      .leftJoin("second_factors as active", (join) => join.onRef("active.user_id", "=", "sessions.user_id").on("active.status", "=", sql.lit("active")))
      .selectAll("sessions")
      .select([
        "users.email",
        "users.email_normalized",
        "users.display_name",
        "users.role",
        "users.password_hash",
        "users.disabled_at",
        "users.created_at as user_created_at",
        "users.last_sign_in_at",
        "users.previous_sign_in_at",
        "users.fallback_phone_e164",
        "users.time_zone",
        "active.kind as active_kind",
        "active.phone_e164 as active_phone_e164",
      ])
      .where("sessions.id", "=", p.id),
);

export async function validateSessionToken(db: Kysely<DB>, clock: Clock, token: string): Promise<ValidSession | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const id = sha256Hex(token);
  const [row] = await sessionWithUser(db, { id });
  if (!row) return null;
  const now = clock.nowMs();
  const { email, email_normalized, display_name, role, password_hash, disabled_at, user_created_at, last_sign_in_at, previous_sign_in_at, fallback_phone_e164, time_zone, active_kind, active_phone_e164, ...session } = row;
  if (isSessionExpired(session, now) || disabled_at !== null) {
    await deleteSession(db, id);
    return null;
  }
  if (now - session.last_seen_at >= LAST_SEEN_WRITE_INTERVAL_MS) {
    await db.updateTable("sessions").set({ last_seen_at: now }).where("id", "=", id).execute();
    session.last_seen_at = now;
  }
  const user: User = { id: session.user_id, email, email_normalized, display_name, role, password_hash, disabled_at, created_at: user_created_at, last_sign_in_at, previous_sign_in_at, fallback_phone_e164, time_zone };
  return { session, user, activeMethod: active_kind ? { kind: active_kind, phoneE164: active_phone_e164 } : null };
}

/**
 * Ends the pending session and issues a new token for a full one (no session fixation, OWASP ASVS 3.2.1).
 * The full session remembers when the password was verified (the pending session's start), which
 * factor completed the sign-in, and where the browser continues.
 * The delete is the compare-and-set: of concurrent promotions of one pending session exactly one wins;
 * the others get null. Run it inside the transaction that records what the second factor proved.
 */
export async function promoteToFullSession(
  trx: Kysely<DB>,
  deps: SessionDeps,
  pending: Session,
  meta: SessionMeta,
  proof: { method: SignInMethod; flash?: string | null },
): Promise<{ token: string; session: Session } | null> {
  const deleted = await trx.deleteFrom("sessions").where("id", "=", pending.id).where("stage", "=", "pending").executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return null;
  // A remembered browser proved nothing just now: a change of factors still asks for a fresh code (step-up).
  const secondFactorAt = proof.method === "remembered" ? null : deps.clock.nowMs();
  return createSession(trx, deps, pending.user_id, {
    stage: "full",
    meta,
    secondFactorAt,
    secondFactorMethod: proof.method,
    flash: proof.flash ?? null,
    passwordVerifiedAt: pending.created_at,
    returnTo: pending.return_to,
  });
}

/** Reads and clears the one-time confirmation of a session. */
export async function takeFlash(db: Kysely<DB>, session: Session): Promise<string | null> {
  if (session.flash === null) return null;
  await db.updateTable("sessions").set({ flash: null }).where("id", "=", session.id).execute();
  return session.flash;
}

export async function deleteSession(db: Kysely<DB>, sessionId: string): Promise<void> {
  await db.deleteFrom("sessions").where("id", "=", sessionId).execute();
}

export async function deleteUserSessions(db: Kysely<DB>, userId: string, exceptSessionId?: string): Promise<number> {
  let query = db.deleteFrom("sessions").where("user_id", "=", userId);
  if (exceptSessionId) query = query.where("id", "!=", exceptSessionId);
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
