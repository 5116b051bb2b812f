import { hkdfSync } from "node:crypto";
import type { Configuration, KoaContextWithOIDC } from "oidc-provider";
import type { AppDeps } from "../../deps.ts";
import { ACR_MULTI_FACTOR, findAccount } from "./account.ts";
import { clientAdapterFor } from "./clients.ts";
import { createOidcStorage, KyselyOidcAdapter } from "./oidc-storage.adapter.ts";
import type { OidcProviderModule } from "./load-provider.ts";
import { portalInteractionPolicy } from "./policy.ts";
import { logoutSource, postLogoutSuccessSource, renderError } from "./provider-pages.ts";
import { SIGNING_ALG, type SigningJwk } from "../../auth/signing-keys.ts";

export const INTERACTION_PATH = "/oidc/interaction";
const HOUR_S = 60 * 60;
/** Asymmetric algorithms only: nothing may need a client secret in the clear (they are stored hashed). */
const ASYMMETRIC_ALGS = ["RS256", "PS256", "ES256", "EdDSA"];

/** Keys for the provider's signed cookies, from SECRET_KEY (current first, so a rotated key still verifies). */
function cookieKeys(deps: AppDeps): Buffer[] {
  const entries = [...deps.keyring.keys].reverse();
  const current = deps.keyring.current.id;
  entries.sort(([a], [b]) => Number(b === current) - Number(a === current));
  return entries.map(([, key]) => Buffer.from(hkdfSync("sha256", key, Buffer.alloc(0), "gatehouse oidc-provider cookies", 32)));
}

async function loadExistingGrant(ctx: KoaContextWithOIDC) {
  const { oidc } = ctx;
  const clientId = oidc.client!.clientId;
  const accountId = oidc.session!.accountId!;
  const grantId = oidc.result?.consent?.grantId ?? oidc.session!.grantIdFor(clientId);
  const found = grantId ? await oidc.provider.Grant.find(grantId) : undefined;
  const grant = found && found.accountId === accountId && found.clientId === clientId ? found : new oidc.provider.Grant({ accountId, clientId });
  // No consent page for apps an administrator registered: each gets the standard scopes it asks for.
  const scopes = [...(oidc.requestParamOIDCScopes ?? [])].join(" ");
  if (scopes) grant.addOIDCScope(scopes);
  await grant.save();
  return grant;
}

export function providerConfiguration(deps: AppDeps, jwks: SigningJwk[], library: OidcProviderModule): Configuration {
  const storage = createOidcStorage(deps.database.db, deps.clock);
  const prefix = "gatehouse_oidc";
  return {
    adapter: (model: string) => (model === "Client" ? clientAdapterFor(deps.database.db) : new KyselyOidcAdapter(model, storage)),
    findAccount: findAccount(deps.database.db),
    jwks: { keys: jwks as unknown as NonNullable<Configuration["jwks"]>["keys"] },
    cookies: {
      keys: cookieKeys(deps),
      names: { session: `${prefix}_session`, interaction: `${prefix}_interaction`, resume: `${prefix}_resume` },
      long: { signed: true, httpOnly: true, sameSite: "lax" },
      short: { signed: true, httpOnly: true, sameSite: "lax" },
    },
    scopes: ["openid", "profile", "email", "offline_access"],
    // How the user signed in (acr, amr, auth_time) rides with the openid scope: every ID token has it.
    claims: { openid: ["sub", "acr", "amr", "auth_time"], email: ["email", "email_verified"], profile: ["name"], sid: null },
    // The ID token carries the scopes' claims (email, name) itself, not only the userinfo endpoint.
    conformIdTokenClaims: false,
    acrValues: [ACR_MULTI_FACTOR],
    responseTypes: ["code"],
    clientAuthMethods: ["client_secret_basic", "client_secret_post", "none"],
    clientDefaults: { grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], id_token_signed_response_alg: SIGNING_ALG, token_endpoint_auth_method: "client_secret_basic" },
    enabledJWA: {
      idTokenSigningAlgValues: [SIGNING_ALG],
      userinfoSigningAlgValues: [SIGNING_ALG],
      authorizationSigningAlgValues: [SIGNING_ALG],
      introspectionSigningAlgValues: [SIGNING_ALG],
      clientAuthSigningAlgValues: ASYMMETRIC_ALGS as never,
      requestObjectSigningAlgValues: ASYMMETRIC_ALGS as never,
    },
    // PKCE (S256, the only method oidc-provider 9 offers) for every public client (RFC 9700 §2.1.1).
    pkce: { required: (_ctx, client) => client.clientAuthMethod === "none" },
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true, logoutSource: logoutSource(deps), postLogoutSuccessSource: postLogoutSuccessSource(deps) },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      userinfo: { enabled: true },
    },
    interactions: { policy: portalInteractionPolicy(deps, library.interactionPolicy), url: (_ctx, interaction) => `${INTERACTION_PATH}/${interaction.uid}` },
    routes: {
      authorization: "/oidc/auth",
      token: "/oidc/token",
      userinfo: "/oidc/me",
      jwks: "/oidc/jwks",
      end_session: "/oidc/session/end",
      revocation: "/oidc/token/revocation",
    },
    loadExistingGrant,
    // Browser apps may call the token endpoint from the origins of their own redirect URIs, no others.
    clientBasedCORS: (_ctx, origin, client) => client.redirectUris?.some((uri) => URL.canParse(uri) && new URL(uri).origin === origin) ?? false,
    // Refresh tokens only for apps that ask (offline_access), each used once: a new one replaces it (RFC 9700 §4.14.2).
    rotateRefreshToken: true,
    ttl: {
      AuthorizationCode: 60,
      AccessToken: HOUR_S,
      IdToken: HOUR_S,
      // As long as a portal sign-in may wait for its second factor (PENDING_SESSION_ABSOLUTE_MS).
      Interaction: 30 * 60,
      // The portal's own session decides; the provider's mirror lives as long as the longest one (12 hours).
      Session: 12 * HOUR_S,
      RefreshToken: 14 * 24 * HOUR_S,
      Grant: 14 * 24 * HOUR_S,
    },
    renderError: renderError(deps),
  };
}
