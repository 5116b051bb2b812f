import type { Kysely } from "kysely";
import type { Adapter, AdapterPayload, ClientMetadata, Provider } from "oidc-provider";
import { appPostLogoutRedirectUris, appRedirectUris, findAppByClientId, hashClientSecret } from "../../auth/apps.ts";
import { constantTimeEqual } from "../../crypto/compare.ts";
import type { App, DB } from "../../db/schema.ts";

/** An app as oidc-provider's client metadata (RFC 7591 §2). `client_secret` holds the secret's hash. */
export function clientMetadataOf(app: App): ClientMetadata {
  const confidential = app.client_secret_hash !== null;
  return {
    client_id: app.client_id!,
    ...(confidential ? { client_secret: app.client_secret_hash! } : {}),
    client_name: app.name,
    token_endpoint_auth_method: confidential ? "client_secret_basic" : "none",
    redirect_uris: appRedirectUris(app),
    post_logout_redirect_uris: appPostLogoutRedirectUris(app),
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    // auth_time in every ID token (OpenID Connect Core §2): apps may judge how fresh a sign-in is.
    require_auth_time: true,
    ...(app.backchannel_logout_uri ? { backchannel_logout_uri: app.backchannel_logout_uri, backchannel_logout_session_required: true } : {}),
  };
}

/** Clients are the registered apps: read-only storage over the apps table. */
export function clientAdapterFor(db: Kysely<DB>): Adapter {
  const readOnly = async () => {
    throw new Error("clients are registered with `gatehouse apps`, not through the provider");
  };
  return {
    async find(id: string): Promise<AdapterPayload | undefined> {
      const app = await findAppByClientId(db, id);
      return app ? (clientMetadataOf(app) as AdapterPayload) : undefined;
    },
    findByUid: async () => undefined,
    findByUserCode: async () => undefined,
    upsert: readOnly,
    consume: readOnly,
    destroy: readOnly,
    revokeByGrantId: readOnly,
  };
}

/**
 * Client secrets are stored as SHA-256 (src/auth/apps.ts says why): the presented secret is hashed
 * and compared in constant time. oidc-provider exposes this prototype method for exactly this
 * (panva/node-oidc-provider#631); every use needing the secret itself is disabled in provider-config.ts.
 */
export function compareHashedClientSecrets(provider: Provider): void {
  const prototype = provider.Client.prototype as unknown as { clientSecret?: string; compareClientSecret(actual: string): Promise<boolean> };
  prototype.compareClientSecret = async function compareClientSecret(this: { clientSecret?: string }, actual: string) {
    return typeof this.clientSecret === "string" && typeof actual === "string" && constantTimeEqual(hashClientSecret(actual), this.clientSecret);
  };
}
