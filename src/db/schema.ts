import type { Generated, Insertable, Selectable, Updateable } from "kysely";
import type { RecoveryCodesTable, RememberedBrowsersTable, WebauthnCredentialsTable } from "./schema-factors.ts";
import type { AppsTable, OidcPayloadsTable, OidcSigningKeysTable } from "./schema-sso.ts";

export type { AppSignInMethod, AppsTable } from "./schema-sso.ts";

/** Times are integer milliseconds since the Unix epoch on both SQLite and PostgreSQL (bigint). */
export type EpochMs = number;

export type Role = "client" | "support" | "admin";
/** pending: password only; full: both factors; recovery: only the password-reset link it belongs to. */
export type SessionStage = "pending" | "full" | "recovery";
export type LinkPurpose = "first_admin" | "invite" | "password_reset";

export interface UsersTable {
  id: string;
  email: string;
  /** Trimmed and lower-cased: the unique key, so emails are unique case-insensitively. */
  email_normalized: string;
  display_name: string;
  role: Role;
  /** argon2id PHC string; null until an invited user chooses a password. */
  password_hash: string | null;
  disabled_at: EpochMs | null;
  created_at: EpochMs;
  last_sign_in_at: EpochMs | null;
  previous_sign_in_at: EpochMs | null;
  /** Where a lost-device reset code goes; verified by SMS before it is saved. */
  fallback_phone_e164: string | null;
  /** The IANA time zone chosen on "Profile" ("Europe/Berlin"); null: the browser's (src/views/time.ts). */
  time_zone: string | null;
}

export interface SessionsTable {
  /** SHA-256 (hex) of the session token: the token itself is never stored. */
  id: string;
  user_id: string;
  stage: SessionStage;
  created_at: EpochMs;
  last_seen_at: EpochMs;
  /** The absolute limit, fixed at creation. */
  expires_at: EpochMs;
  /** When the second factor was last verified in this session (step-up looks at it). */
  second_factor_at: EpochMs | null;
  ip: string | null;
  user_agent: string | null;
  /** Second-factor codes tried in this session (each try takes a slot before it is checked). */
  code_attempts: number;
  /** A one-time confirmation shown (and cleared) on the next page. */
  flash: string | null;
  /**
   * A random, non-secret name for the session (32 hex digits): what the Sessions page shows and posts
   * back, never the id. Always set (createSession; migration 0006 filled older rows), though the
   * column is nullable: SQLite cannot add a NOT NULL column to a table that has rows.
   */
  handle: string;
  /** When this sign-in's password was verified (the ID token's auth_time); null on sessions from before 0009. */
  password_verified_at: EpochMs | null;
  /** A local path the browser continues to after signing in (src/auth/return-to.ts decides which). */
  return_to: string | null;
  /** How the second factor of this (full) session was proven (the ID token's amr); null while pending, and for sessions made before 0010. */
  second_factor_method: SignInMethod | null;
  /** The one WebAuthn challenge this session has under way (base64url), and until when it may be answered. */
  webauthn_challenge: string | null;
  webauthn_challenge_expires_at: EpochMs | null;
}

export type SecondFactorKind = "totp" | "sms" | "webauthn";
/**
 * What proved the second factor of a session: the method itself, a recovery code, or a remembered
 * browser (OpenID Connect's amr follows from it: "otp", "sms", "hwk"/"user", "remembered").
 */
export type SignInMethod = SecondFactorKind | "recovery_code" | "remembered";
export type SecondFactorStatus = "pending" | "active";

export interface SecondFactorsTable {
  id: string;
  user_id: string;
  kind: SecondFactorKind;
  status: SecondFactorStatus;
  /** The session that started a pending set-up; null once active. */
  session_id: string | null;
  /** AES-256-GCM, versioned key id (src/crypto/encryption.ts); the factor id is the associated data. */
  totp_secret_enc: string | null;
  /** The last accepted TOTP time step: a code is never accepted twice (RFC 6238 §5.2). */
  totp_last_step: number | null;
  phone_e164: string | null;
  created_at: EpochMs;
  /** A pending set-up must be finished by then. */
  expires_at: EpochMs | null;
  verified_at: EpochMs | null;
}

export type SmsPurpose = "setup" | "signin" | "step_up" | "fallback" | "reset" | "password_reset";

export interface SmsChallengesTable {
  id: string;
  user_id: string;
  session_id: string;
  purpose: SmsPurpose;
  phone_e164: string;
  /** SHA-256 of `${id}:${code}`: the code itself is never stored. */
  code_hash: string;
  attempts: number;
  created_at: EpochMs;
  expires_at: EpochMs;
  consumed_at: EpochMs | null;
}

/** The action a step-up interrupted (one per session): finished once the code is verified, at most once. */
export interface PendingActionsTable {
  session_id: string;
  /** The action's registered name, e.g. "admin.role". */
  action: string;
  /** JSON: { params, fields }, the route parameters and the validated form fields (no secrets). */
  payload: string;
  expires_at: EpochMs;
}

export interface OutgoingMailTable {
  id: string;
  user_id: string | null;
  audit_event_id: string | null;
  to_address: string | null;
  subject: string | null;
  body: string | null;
  created_at: EpochMs;
  attempts: number;
  next_attempt_at: EpochMs;
  sent_at: EpochMs | null;
  last_error: string | null;
}

export interface OneTimeLinksTable {
  /** SHA-256 (hex) of the link token. */
  id: string;
  purpose: LinkPurpose;
  user_id: string | null;
  created_at: EpochMs;
  expires_at: EpochMs;
  used_at: EpochMs | null;
  /** Password reset: the recovery session proving the second factor for this link. */
  session_id: string | null;
  factor_verified_at: EpochMs | null;
}

export interface ThrottleHitsTable {
  id: string;
  key: string;
  at: EpochMs;
}

export interface AuditEventsTable {
  id: string;
  at: EpochMs;
  type: string;
  actor_user_id: string | null;
  subject_user_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object with non-secret details. */
  detail: string | null;
}

export interface DB {
  users: UsersTable;
  sessions: SessionsTable;
  one_time_links: OneTimeLinksTable;
  audit_events: AuditEventsTable;
  second_factors: SecondFactorsTable;
  sms_challenges: SmsChallengesTable;
  outgoing_mail: OutgoingMailTable;
  throttle_hits: ThrottleHitsTable;
  recovery_codes: RecoveryCodesTable;
  remembered_browsers: RememberedBrowsersTable;
  webauthn_credentials: WebauthnCredentialsTable;
  apps: AppsTable;
  oidc_payloads: OidcPayloadsTable;
  oidc_signing_keys: OidcSigningKeysTable;
  pending_actions: PendingActionsTable;
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type OneTimeLink = Selectable<OneTimeLinksTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type SecondFactor = Selectable<SecondFactorsTable>;
export type SmsChallenge = Selectable<SmsChallengesTable>;
export type OutgoingMail = Selectable<OutgoingMailTable>;
export type RecoveryCode = Selectable<RecoveryCodesTable>;
export type RememberedBrowser = Selectable<RememberedBrowsersTable>;
export type WebauthnCredential = Selectable<WebauthnCredentialsTable>;
export type App = Selectable<AppsTable>;
export type { Generated };
