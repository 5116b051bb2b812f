import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { takeSessionCodeAttempt } from "../../auth/code-attempts.ts";
import { findPendingFactor, hasExpiredPendingFactor, readTotpSecret, startTotpSetup } from "../../auth/second-factor.ts";
import { buildTotpUri, formatKeyInGroups, totpSecretToBase32, verifyTotp } from "../../auth/totp.ts";
import type { SecondFactor } from "../../db/schema.ts";
import { qrSvg } from "../../views/qr.ts";
import { setupAppBody } from "./setup-app.view.ts";
import { readCode } from "../../http/forms/code-input.ts";
import type { AppDeps } from "../../deps.ts";
import { MESSAGES } from "../../views/code-messages.ts";
import { SETUP_MESSAGES } from "./setup.messages.ts";
import { sendPage } from "../../http/render.ts";
import { finishSetup, requireSetupAllowed, restartSetup } from "./setup-flow.ts";
import { proven } from "../../http/guards/access.ts";

/** Authenticator app set-up (RFC 6238): new secret → QR code and key → first code verifies it. */
export function setupAppRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;

  async function showQr(request: FastifyRequest, reply: FastifyReply, factor: SecondFactor, error: string | null, code = 200) {
    const secret = readTotpSecret(deps.keyring, factor);
    const uri = buildTotpUri({ issuer: config.portalName, accountName: proven(request, "session").user.email, secret });
    const svg = await qrSvg(uri);
    return sendPage(request, reply, config, {
      title: SETUP_MESSAGES.setupAppTitle,
      code,
      body: (csrfToken) => setupAppBody({ csrfToken, qrSvg: svg, keyInGroups: formatKeyInGroups(totpSecretToBase32(secret)), deadline: { atMs: factor.expires_at!, nowMs: clock.nowMs() }, current: proven(request, "session").activeMethod?.kind ?? null, error }),
    });
  }

  const restart = (request: FastifyRequest, reply: FastifyReply, message: string, code: number) => restartSetup(request, reply, deps, message, code);

  return async (app: FastifyInstance) => {
    const start = { config: { access: "session" as const, emptyForm: true }, preHandler: requireSetupAllowed(deps, "setup-app") };
    const opts = { config: { access: "session" as const }, preHandler: requireSetupAllowed(deps, "setup-app", "totp") };

    app.post("/two-factor/setup/app", start, async (request, reply) => {
      const auth = proven(request, "session");
      await startTotpSetup(db, deps, auth.user.id, auth.session.id);
      return reply.redirect("/two-factor/setup/app", 303);
    });

    app.get("/two-factor/setup/app", opts, async (request, reply) => {
      const factor = await findPendingFactor(db, clock, proven(request, "session").session.id, "totp");
      if (!factor) {
        if (await hasExpiredPendingFactor(db, clock, proven(request, "session").session.id, "totp")) return restart(request, reply, SETUP_MESSAGES.setupAppExpired, 410);
        return reply.redirect("/two-factor/setup", 303);
      }
      return showQr(request, reply, factor, null);
    });

    app.post("/two-factor/setup/app/verify", opts, async (request, reply) => {
      const auth = proven(request, "session");
      const factor = await findPendingFactor(db, clock, auth.session.id, "totp");
      if (!factor) return restart(request, reply, SETUP_MESSAGES.setupAppExpired, 410);
      const input = readCode(request.body);
      if (!input.ok) return showQr(request, reply, factor, input.message, input.status);
      if (!(await takeSessionCodeAttempt(db, auth.session.id))) return restart(request, reply, MESSAGES.tooManyCodes, 429);
      const result = verifyTotp({ secret: readTotpSecret(deps.keyring, factor), code: input.code, nowMs: clock.nowMs(), lastUsedStep: null });
      if (!result.ok) return showQr(request, reply, factor, MESSAGES.codeWrong, 400);
      return finishSetup(request, reply, deps, factor, result.step);
    });
  };
}
