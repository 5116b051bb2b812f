import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import { registerAuthGuard } from "./http/guards/session.guard.ts";
import { registerConnectionCloseWhileClosing } from "./http/closing.ts";
import { registerCsrf } from "./http/csrf.ts";
import type { AppDeps } from "./deps.ts";
import { registerErrorHandlers } from "./http/errors.ts";
import { registerRequestRateLimit } from "./http/request-rate-limit.ts";
import { registerEmptyFormCheck } from "./http/forms/form.ts";
import { HTTP_MESSAGES } from "./http/http.messages.ts";
import { sendMessagePage } from "./http/render.ts";
import { createMetrics, registerMetrics } from "./http/metrics.ts";
import { devLogStream } from "./http/logging/dev-log.ts";
import { OneLinePerRequest, registerRequestId, requestIdGenerator, requestLogSerializers } from "./http/logging/request-log.ts";
import { registerSecurityHeaders } from "./http/security-headers.ts";
import { oidcInteractionRoutes } from "./features/oidc/interaction.routes.ts";
import { mountOidcProvider } from "./features/oidc/mount.ts";
import { forwardAuthRoutes } from "./features/forward-auth/forward-auth.routes.ts";
import { appsRoutes } from "./features/apps/apps.routes.ts";
import { adminRoutes } from "./features/support-console/search.routes.ts";
import { adminResetRoutes } from "./features/support-console/reset.routes.ts";
import { adminUserRoutes } from "./features/support-console/users.routes.ts";
import { usersListRoutes } from "./features/support-console/users-list.routes.ts";
import { invitationActionRoutes } from "./features/support-console/invitations.routes.ts";
import { accountRoutes } from "./features/account/account.routes.ts";
import { profileRoutes } from "./features/account/profile.routes.ts";
import { assetRoutes } from "./http/routes/assets.ts";
import { brandAssetRoutes } from "./http/routes/brand-assets.ts";
import { dashboardRoutes } from "./features/dashboard/dashboard.routes.ts";
import { devOutboxRoutes } from "./http/routes/dev-outbox.ts";
import { firstAdminRoutes } from "./features/invitation/first-admin.routes.ts";
import { forgotPasswordRoutes } from "./features/password-reset/forgot-password.routes.ts";
import { passwordResetRoutes } from "./features/password-reset/password-reset.routes.ts";
import { healthRoutes } from "./http/routes/health.ts";
import { inviteRoutes } from "./features/invitation/invite.routes.ts";
import { loginRoutes } from "./features/sign-in/login.routes.ts";
import { fallbackRoutes } from "./features/fallback-phone/fallback-phone.routes.ts";
import { resetRoutes } from "./features/second-factor/reset.routes.ts";
import { sessionRoutes } from "./features/account/sessions.routes.ts";
import { setupAppRoutes } from "./features/setup/setup-app.routes.ts";
import { stepUpRoutes } from "./features/step-up/step-up.routes.ts";
import { setupSmsRoutes } from "./features/setup/setup-sms.routes.ts";
import { secondFactorHome, twoFactorRoutes } from "./features/setup/manage.routes.ts";
import { verifyRoutes } from "./features/second-factor/verify.routes.ts";
import { recoveryCodeRoutes } from "./features/recovery-codes/recovery-codes.routes.ts";
import { rememberedBrowserRoutes } from "./features/remembered-browsers/remembered-browsers.routes.ts";
import { passkeySetupRoutes } from "./features/passkeys/passkey-setup.routes.ts";
import { passkeyManageRoutes } from "./features/passkeys/passkey-manage.routes.ts";
import { passkeySignInRoutes } from "./features/passkeys/passkey-sign-in.routes.ts";
import { passkeyVerifyPage } from "./features/second-factor/verify.routes.ts";
import "./http/guards/access.ts";
import { fastifyTrustProxy } from "./config/trust-proxy.ts";
import { registerHostCheck } from "./http/network/host-check.ts";
import { registerLimitGroup } from "./http/network/ip-group.ts";
import { registerStepUpActions } from "./http/guards/pending-action.ts";

/** Forms are small; anything bigger is refused with 413 before it is parsed (OWASP ASVS 13.1). */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the whole portal without listening, so tests and the CLI share one assembly. */
export async function buildServer(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: ["req.headers.cookie", "req.headers.authorization"],
            serializers: requestLogSerializers,
            // A developer's terminal: short lines (src/http/dev-log.ts); production or a pipe: JSON for the log pipeline.
            ...(deps.logger === true ? (!config.production && process.stdout.isTTY ? { stream: devLogStream(process.stdout) } : {}) : deps.logger),
          },
    trustProxy: fastifyTrustProxy(config.trustProxy),
    bodyLimit: BODY_LIMIT_BYTES,
    requestIdHeader: false,
    logController: new OneLinePerRequest(),
    genReqId: requestIdGenerator(config),
    routerOptions: { ignoreTrailingSlash: true },
  });

  // Only HTML forms are accepted: JSON and text bodies get 415 instead of a parser we do not need.
  app.removeAllContentTypeParsers();
  await app.register(fastifyFormbody);
  await app.register(fastifyCookie);
  registerHostCheck(app, config);
  registerLimitGroup(app, config);
  await registerRequestRateLimit(app, config, deps.redis ?? null);
  registerSecurityHeaders(app, config);
  // Single sign-on: the provider's endpoints answer before the CSRF check and the session guard.
  const oidcProvider = await mountOidcProvider(app, deps);
  await registerCsrf(app, config);
  registerAuthGuard(app, deps, secondFactorHome);
  registerStepUpActions(app);
  registerEmptyFormCheck(app, (request, reply, message) => sendMessagePage(request, reply, config, { code: 400, heading: HTTP_MESSAGES.badRequestHeading, message }));
  registerErrorHandlers(app, config);
  registerRequestId(app);
  registerConnectionCloseWhileClosing(app);
  registerMetrics(app, deps.metrics ?? createMetrics());
  // A state change may have queued e-mail in its transaction: deliver it now, off the request's path.
  app.addHook("onResponse", async (request) => {
    if (request.method === "POST") deps.mailQueue.kick();
  });

  await app.register(healthRoutes(deps));
  await app.register(assetRoutes());
  await app.register(brandAssetRoutes(config));
  await app.register(loginRoutes(deps));
  await app.register(dashboardRoutes(deps));
  await app.register(twoFactorRoutes(deps));
  await app.register(setupAppRoutes(deps));
  await app.register(setupSmsRoutes(deps));
  await app.register(verifyRoutes(deps));
  await app.register(stepUpRoutes(deps));
  await app.register(resetRoutes(deps));
  await app.register(recoveryCodeRoutes(deps));
  await app.register(passkeySetupRoutes(deps));
  await app.register(passkeyManageRoutes(deps));
  await app.register(passkeySignInRoutes(deps, passkeyVerifyPage(deps)));
  await app.register(fallbackRoutes(deps));
  await app.register(firstAdminRoutes(deps));
  await app.register(inviteRoutes(deps));
  await app.register(forgotPasswordRoutes(deps));
  await app.register(passwordResetRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(profileRoutes(deps));
  await app.register(sessionRoutes(deps));
  await app.register(rememberedBrowserRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(adminResetRoutes(deps));
  await app.register(adminUserRoutes(deps));
  await app.register(usersListRoutes(deps));
  await app.register(invitationActionRoutes(deps));
  await app.register(oidcInteractionRoutes(deps, oidcProvider));
  await app.register(forwardAuthRoutes(deps));
  await app.register(appsRoutes(deps));
  if (!config.production && deps.outbox) await app.register(devOutboxRoutes(deps.outbox, config));
  return app;
}
