import type { EpochMs } from "./schema.ts";

// Single sign-on: the registered apps and the OpenID Connect provider's storage (migration 0009).

export type AppSignInMethod = "oidc" | "proxy";

export interface AppsTable {
  id: string;
  name: string;
  /** Trimmed and lower-cased: names are unique case-insensitively. */
  name_normalized: string;
  /** The address a user opens. */
  url: string;
  /** The host of `url` (lower-case, with a port when it has one): forward auth finds the app by it. */
  host: string;
  method: AppSignInMethod;
  /** JSON array of roles that may use the app; null: everyone. */
  allowed_roles: string | null;
  client_id: string | null;
  /** SHA-256 (hex) of the client secret; null for public clients and proxied apps. */
  client_secret_hash: string | null;
  /** JSON arrays of URIs. */
  redirect_uris: string | null;
  post_logout_redirect_uris: string | null;
  backchannel_logout_uri: string | null;
  created_at: EpochMs;
  updated_at: EpochMs;
}

export interface OidcPayloadsTable {
  model: string;
  id: string;
  /** oidc-provider's payload as JSON. */
  payload: string;
  grant_id: string | null;
  user_code: string | null;
  uid: string | null;
  expires_at: EpochMs | null;
  consumed_at: EpochMs | null;
}

export interface OidcSigningKeysTable {
  kid: string;
  /** 1, 2, 3…: the highest signs. Unique, so two instances starting at once make one first key. */
  generation: number;
  alg: string;
  /** The private JWK as JSON, AES-256-GCM sealed with SECRET_KEY (the kid is the associated data). */
  private_jwk_enc: string;
  created_at: EpochMs;
}
