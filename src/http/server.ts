import fastifyCookie from "@fastify/cookie";
import fastifyFormbody from "@fastify/formbody";
import Fastify, { type FastifyInstance } from "fastify";
import { registerAuthGuard } from "./auth-guard.ts";
import { registerConnectionCloseWhileClosing } from "./closing.ts";
import { registerCsrf } from "./csrf.ts";
import type { AppDeps } from "./deps.ts";
import { registerErrorHandlers } from "./errors.ts";
import { registerRequestRateLimit } from "./request-rate-limit.ts";
import { registerEmptyFormCheck } from "./form.ts";
import { sendMessagePage } from "./render.ts";
import { createMetrics, registerMetrics } from "./metrics.ts";
import { OneLinePerRequest, registerRequestId, requestIdGenerator, requestLogSerializers } from "./request-log.ts";
import { registerSecurityHeaders } from "./security-headers.ts";
import { oidcInteractionRoutes } from "../features/oidc/interaction.routes.ts";
import { mountOidcProvider } from "../features/oidc/mount.ts";
import { adminRoutes } from "./routes/admin.ts";
import { adminResetRoutes } from "./routes/admin-reset.ts";
import { adminUserRoutes } from "./routes/admin-users.ts";
import { accountRoutes } from "./routes/account.ts";
import { assetRoutes } from "./routes/assets.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { devOutboxRoutes } from "./routes/dev-outbox.ts";
import { firstAdminRoutes } from "./routes/first-admin.ts";
import { forgotPasswordRoutes } from "./routes/forgot-password.ts";
import { passwordResetRoutes } from "./routes/password-reset.ts";
import { healthRoutes } from "./routes/health.ts";
import { inviteRoutes } from "./routes/invite.ts";
import { loginRoutes } from "./routes/login.ts";
import { fallbackRoutes } from "./routes/fallback.ts";
import { resetRoutes } from "./routes/reset.ts";
import { sessionRoutes } from "./routes/sessions.ts";
import { setupAppRoutes } from "./routes/setup-app.ts";
import { stepUpRoutes } from "./routes/step-up.ts";
import { setupSmsRoutes } from "./routes/setup-sms.ts";
import { secondFactorHome, twoFactorRoutes } from "./routes/two-factor.ts";
import { verifyRoutes } from "./routes/verify.ts";
import "./types.ts";

/** Forms are small; anything bigger is refused with 413 before it is parsed (OWASP ASVS 13.1). */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** Builds the whole portal without listening, so tests and the CLI share one assembly. */
export async function buildServer(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger:
      deps.logger === false
        ? false
        : { level: config.logLevel, redact: ["req.headers.cookie", "req.headers.authorization"], serializers: requestLogSerializers, ...(deps.logger === true ? {} : deps.logger) },
    trustProxy: config.trustProxy,
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
  await registerRequestRateLimit(app, config, deps.redis ?? null);
  registerSecurityHeaders(app, config);
  // Single sign-on: the provider's endpoints answer before the CSRF check and the session guard.
  const oidcProvider = await mountOidcProvider(app, deps);
  await registerCsrf(app, config);
  registerAuthGuard(app, deps, secondFactorHome);
  registerEmptyFormCheck(app, (request, reply, message) => sendMessagePage(request, reply, config, { code: 400, heading: "That request could not be read", message }));
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
  await app.register(loginRoutes(deps));
  await app.register(dashboardRoutes(deps));
  await app.register(twoFactorRoutes(deps));
  await app.register(setupAppRoutes(deps));
  await app.register(setupSmsRoutes(deps));
  await app.register(verifyRoutes(deps));
  await app.register(stepUpRoutes(deps));
  await app.register(resetRoutes(deps));
  await app.register(fallbackRoutes(deps));
  await app.register(firstAdminRoutes(deps));
  await app.register(inviteRoutes(deps));
  await app.register(forgotPasswordRoutes(deps));
  await app.register(passwordResetRoutes(deps));
  await app.register(accountRoutes(deps));
  await app.register(sessionRoutes(deps));
  await app.register(adminRoutes(deps));
  await app.register(adminResetRoutes(deps));
  await app.register(adminUserRoutes(deps));
  await app.register(oidcInteractionRoutes(deps, oidcProvider));
  if (!config.production && deps.outbox) await app.register(devOutboxRoutes(deps.outbox));
  return app;
}
