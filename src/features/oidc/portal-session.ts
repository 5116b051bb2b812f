import type { IncomingMessage } from "node:http";
import type { KoaContextWithOIDC, Provider } from "oidc-provider";
import { type ValidSession, validateSessionToken } from "../../auth/session.ts";
import type { AppDeps } from "../../deps.ts";
import { sessionCookieName } from "../../http/cookies.ts";
import { portalLogin } from "./account.ts";

/** The portal session of a raw request (the provider's endpoints run before Fastify's hooks). */
export function portalSessionReader(deps: AppDeps) {
  const name = sessionCookieName(deps.config);
  return async (req: IncomingMessage): Promise<ValidSession | null> => {
    const token = readCookie(req.headers.cookie, name);
    return token ? validateSessionToken(deps.database.db, deps.clock, token) : null;
  };
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of header?.split(";") ?? []) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The portal session the request's provider session was aligned with (see mirrorPortalSession). */
export function portalSessionOf(ctx: KoaContextWithOIDC): ValidSession | null {
  return (ctx.state as { portalSession?: ValidSession | null }).portalSession ?? null;
}

type ProviderSession = InstanceType<Provider["Session"]>;

/**
 * The portal's session is the only sign-in; the provider's session only mirrors it. Every time the
 * provider loads its session, it is aligned with the portal session from the same request: signed out
 * of the portal (or never signed in), the provider session holds no account, so no silent single
 * sign-on survives a sign-out; signed in as someone else, or again, it takes that sign-in's account,
 * auth_time and amr. oidc-provider offers no hook for an external session, so the model's static
 * `get` is wrapped (it is what every endpoint uses to load the session).
 */
export function mirrorPortalSession(provider: Provider, readPortal: (req: IncomingMessage) => Promise<ValidSession | null>): void {
  const Session = provider.Session as unknown as { get(ctx: KoaContextWithOIDC): Promise<ProviderSession> };
  const load = Session.get.bind(Session);
  Session.get = async (ctx) => {
    const session = await load(ctx);
    const portal = await readPortal(ctx.req);
    (ctx.state as { portalSession?: ValidSession | null }).portalSession = portal;
    alignWithPortal(session, portalLogin(portal));
    return session;
  };
}

function alignWithPortal(session: ProviderSession, login: ReturnType<typeof portalLogin>): void {
  if (session.accountId && session.accountId !== login?.accountId) {
    // Another account, or none: nothing of the old sign-in carries over (its grants included).
    for (const key of ["accountId", "loginTs", "amr", "acr", "authorizations"] as const) delete (session as Partial<ProviderSession>)[key];
    session.resetIdentifier();
  }
  if (login && (session.accountId !== login.accountId || session.loginTs !== login.loginTs || session.amr?.join() !== login.amr.join())) {
    session.loginAccount({ accountId: login.accountId, loginTs: login.loginTs, amr: login.amr, acr: login.acr });
    (session as { touched?: boolean }).touched = true;
  }
}
