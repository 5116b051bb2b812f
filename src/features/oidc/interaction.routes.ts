import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type Provider from "oidc-provider";
import type { InteractionResults } from "oidc-provider";
import { mayUseApp } from "../../auth/apps-access.ts";
import { findAppByClientId } from "../../auth/apps.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { loginUrlFor } from "../../auth/return-to.ts";
import { deleteSession } from "../../auth/session.ts";
import type { AppDeps } from "../../deps.ts";
import { sendMessagePage } from "../../http/render.ts";
import { brandAssets } from "../../views/brand.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { clearSessionCookie } from "../../http/cookies.ts";
import { portalLogin } from "./account.ts";
import { OIDC_MESSAGES as M } from "./oidc.messages.ts";
import { continueBody, continueHead, renderProviderPage } from "./oidc.view.ts";
import { FRESH_SIGN_IN_REASONS } from "./policy.ts";
import { INTERACTION_PATH } from "./provider-config.ts";

type Interaction = Awaited<ReturnType<Provider["interactionDetails"]>>;

/**
 * Where the provider sends a browser whose sign-in it cannot finish by itself (not signed in,
 * prompt=login, max_age, an account the app does not allow, prompt=consent). The portal's own
 * pages do the signing in: this route sends the browser to /login with itself as the continuation,
 * and finishes once the portal session proves what the app asked for.
 */
export function oidcInteractionRoutes(deps: AppDeps, provider: Provider) {
  const { config, database } = deps;
  return async (app: FastifyInstance) => {
    app.get(`${INTERACTION_PATH}/:uid`, { config: { access: "public" } }, async (request, reply) => {
      let interaction: Interaction;
      try {
        interaction = await provider.interactionDetails(request.raw, reply.raw);
      } catch {
        return sendMessagePage(request, reply, config, { code: 400, ...M.interactionGone });
      }
      const here = `${INTERACTION_PATH}/${interaction.uid}`;
      if (interaction.uid !== (request.params as { uid: string }).uid) return sendMessagePage(request, reply, config, { code: 400, ...M.interactionGone });
      const clientApp = await findAppByClientId(database.db, String(interaction.params.client_id));
      if (!clientApp) return finish(request, reply, "app", { error: "invalid_client", error_description: "the app is no longer registered" });
      const auth = request.auth;
      const login = portalLogin(auth);

      if (interaction.prompt.name === "consent" && login) {
        // Apps an administrator registered need no consent page (prompt=consent, as offline_access asks).
        const grant = interaction.grantId ? await provider.Grant.find(interaction.grantId) : new provider.Grant({ accountId: login.accountId, clientId: clientApp.client_id! });
        if (!grant) return finish(request, reply, clientApp.name, { error: "access_denied", error_description: "the grant is gone" });
        grant.addOIDCScope(String(interaction.params.scope ?? "openid"));
        return finish(request, reply, clientApp.name, { consent: { grantId: await grant.save() } });
      }

      const fresh = !interaction.prompt.reasons.some((reason) => FRESH_SIGN_IN_REASONS.has(reason)) || auth?.session.return_to === here;
      if (login && auth && fresh) {
        if (!mayUseApp(clientApp, auth.user)) return finish(request, reply, clientApp.name, { error: "access_denied", error_description: "this account may not use this app" });
        return finish(request, reply, clientApp.name, { login: { accountId: login.accountId, ts: login.loginTs, amr: login.amr, acr: login.acr } });
      }
      if (auth?.session.stage === "full") {
        // The app asked for a fresh password and code (prompt=login, max_age): this sign-in ends here.
        await deleteSession(database.db, auth.session.id);
        await recordAuditEvent(database.db, deps, { type: "app.reauthentication_requested", actorUserId: auth.user.id, subjectUserId: auth.user.id, ...requestMeta(request), detail: { app: clientApp.name } });
        clearSessionCookie(reply, config);
      }
      return reply.redirect(loginUrlFor(here), 303);
    });
  };

  /** Hands the result to the provider and continues to it through a page (see continueBody). */
  async function finish(request: FastifyRequest, reply: FastifyReply, appName: string, result: InteractionResults): Promise<FastifyReply> {
    const returnTo = await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false });
    const markup = renderProviderPage({ title: M.continueHeading(appName), brand: brandAssets(config), body: continueBody({ appName, href: returnTo }), head: continueHead(returnTo) });
    return reply.code(200).header("cache-control", "no-store").type("text/html; charset=utf-8").send(markup);
  }
}
