import type { Generated, Insertable, Selectable, Updateable } from "kysely";

/** Times are integer milliseconds since the Unix epoch on both SQLite and PostgreSQL (bigint). */
export type EpochMs = number;

export type Role = "client" | "support" | "admin";
export type SessionStage = "pending" | "full";
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
}

export interface OneTimeLinksTable {
  /** SHA-256 (hex) of the link token. */
  id: string;
  purpose: LinkPurpose;
  user_id: string | null;
  created_at: EpochMs;
  expires_at: EpochMs;
  used_at: EpochMs | null;
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
}

export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
export type Session = Selectable<SessionsTable>;
export type OneTimeLink = Selectable<OneTimeLinksTable>;
export type AuditEvent = Selectable<AuditEventsTable>;
export type { Generated };
