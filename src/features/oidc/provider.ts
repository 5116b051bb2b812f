import type { FastifyBaseLogger } from "fastify";
import type Provider from "oidc-provider";
import type { KoaContextWithOIDC } from "oidc-provider";
import { recordAuditEvent } from "../../auth/audit.ts";
import { deleteSession } from "../../auth/session.ts";
import type { AppDeps } from "../../deps.ts";
import { sessionCookieName } from "../../http/cookies.ts";
import { compareHashedClientSecrets } from "./clients.ts";
import { importOidcProvider } from "./load-provider.ts";
import { mirrorPortalSession, portalSessionOf, portalSessionReader } from "./portal-session.ts";
import { providerConfiguration } from "./provider-config.ts";
import { ensureSigningKey, loadSigningJwks } from "../../auth/signing-keys.ts";

/** The issuer is PUBLIC_URL (without a trailing slash, as relying parties compare it exactly). */
export function issuerOf(deps: AppDeps): string {
  return deps.config.publicUrl.href.replace(/\/$/, "");
}

interface RequestState {
  appSignIn?: boolean;
}

/** The OpenID Connect provider over the portal's database, sessions, keys and pages. */
export async function createOidcProvider(deps: AppDeps, log: FastifyBaseLogger): Promise<Provider> {
  await ensureSigningKey(deps.database.db, deps);
  const jwks = await loadSigningJwks(deps.database.db, deps);
  const library = await importOidcProvider(log);
  const provider = new library.default(issuerOf(deps), providerConfiguration(deps, jwks, library));
  // Behind a TLS-terminating proxy the provider sees https (and secure cookies) from X-Forwarded-Proto.
  // Koa trusts those headers from any peer (it has no address list like TRUST_PROXY's); they only shape
  // the URLs it writes into its own responses: the issuer, audience and redirect URIs are fixed.
  provider.proxy = deps.config.trustProxy !== false;
  compareHashedClientSecrets(provider);
  mirrorPortalSession(provider, portalSessionReader(deps));
  provider.on("authorization.success", (ctx: KoaContextWithOIDC) => {
    (ctx.state as RequestState).appSignIn = true;
  });
  provider.use(async (ctx, next) => {
    await next();
    const oidc = (ctx as KoaContextWithOIDC).oidc;
    if ((ctx.state as RequestState).appSignIn) await auditAppSignIn(deps, ctx as KoaContextWithOIDC);
    if (oidc?.route === "end_session_confirm" && oidc.params?.logout) await signOutOfPortal(deps, ctx as KoaContextWithOIDC);
  });
  logProviderEvents(provider, log);
  return provider;
}

/** The client's address as Fastify worked it out with TRUST_PROXY (@fastify/middie copies it to the raw request). */
function requestMetaOf(ctx: KoaContextWithOIDC) {
  const ip = (ctx.req as { ip?: string }).ip ?? ctx.ip;
  return { ip: ip || null, userAgent: ctx.get("user-agent") || null };
}

/** "Signed in to Files" in the audit log and the user's recent activity, before the browser goes back to the app. */
async function auditAppSignIn(deps: AppDeps, ctx: KoaContextWithOIDC): Promise<void> {
  const accountId = ctx.oidc.session?.accountId;
  const client = ctx.oidc.client;
  if (!accountId || !client) return;
  await recordAuditEvent(deps.database.db, deps, {
    type: "app.signed_in",
    actorUserId: accountId,
    subjectUserId: accountId,
    ...requestMetaOf(ctx),
    detail: { app: client.clientName ?? client.clientId, client_id: client.clientId },
  });
}

/** An app's sign-out (RP-initiated logout, confirmed) ends the portal session too. */
async function signOutOfPortal(deps: AppDeps, ctx: KoaContextWithOIDC): Promise<void> {
  const portal = portalSessionOf(ctx);
  if (portal) {
    await deleteSession(deps.database.db, portal.session.id);
    await recordAuditEvent(deps.database.db, deps, { type: "signout", actorUserId: portal.user.id, subjectUserId: portal.user.id, ...requestMetaOf(ctx), detail: { via: "app" } });
  }
  const secure = deps.config.secureCookies ? "; Secure" : "";
  ctx.append("set-cookie", `${sessionCookieName(deps.config)}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax${secure}`);
}

/** Refused requests are logged with their OAuth error only: never a secret, code or token. */
function logProviderEvents(provider: Provider, log: FastifyBaseLogger): void {
  const refused = (event: string) => (ctx: KoaContextWithOIDC, error: { error?: string; error_description?: string }) => {
    log.info({ oidc: event, route: ctx.oidc?.route, client: ctx.oidc?.client?.clientId, error: error.error, description: error.error_description }, "oidc request refused");
  };
  for (const event of ["authorization.error", "grant.error", "end_session.error", "userinfo.error", "revocation.error", "jwks.error", "discovery.error", "check_session.error", "backchannel.error"]) {
    provider.on(event as "authorization.error", refused(event));
  }
  provider.on("server_error", (ctx: KoaContextWithOIDC, error: Error) => {
    log.error({ oidc: "server_error", route: ctx.oidc?.route, err: { type: error.name, message: error.message, stack: error.stack } }, "oidc provider error");
  });
}
