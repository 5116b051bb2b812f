import type { EpochMs } from "./schema.ts";

// The second factors beyond app and SMS: recovery codes, remembered browsers, passkeys (migration 0010).

export interface RecoveryCodesTable {
  id: string;
  user_id: string;
  /** argon2id PHC string of the normalized code (NIST SP 800-63B-4 §3.1.2: look-up secrets under 112 bits are salted and hashed). */
  code_hash: string;
  created_at: EpochMs;
  used_at: EpochMs | null;
}

export interface RememberedBrowsersTable {
  /** The public half of the cookie `<id>.<secret>`. */
  id: string;
  user_id: string;
  /** SHA-256 (hex) of the cookie's secret half: the secret itself is never stored. */
  secret_hash: string;
  created_at: EpochMs;
  last_used_at: EpochMs;
  expires_at: EpochMs;
  ip: string | null;
  user_agent: string | null;
}

export interface WebauthnCredentialsTable {
  id: string;
  user_id: string;
  /** The "webauthn" second factor it belongs to. */
  factor_id: string;
  /** base64url, as the authenticator made it. */
  credential_id: string;
  /** COSE public key, base64url. */
  public_key: string;
  sign_count: number;
  /** JSON array of transports ("internal", "usb", …), or null. */
  transports: string | null;
  /** 1 when the credential is synced (backed up) between devices, as its authenticator data said: its counter may stay 0. */
  backed_up: number;
  name: string;
  created_at: EpochMs;
  last_used_at: EpochMs | null;
}
