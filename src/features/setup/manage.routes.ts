import type { FastifyInstance } from "fastify";
import { maskPhone } from "../../auth/phone.ts";
import { takeFlash, type ValidSession } from "../../auth/session.ts";
import { setupOptionsBody } from "./setup-options.view.ts";
import { manageBody } from "./manage.view.ts";
import type { AppDeps } from "../../deps.ts";
import { sendPage } from "../../http/render.ts";
import { requireSetupAllowed } from "./setup-flow.ts";
import { proven } from "../../http/guards/access.ts";
import { SETUP_MESSAGES } from "./setup.messages.ts";
import { countRecoveryCodes } from "../../auth/recovery-codes.ts";
import { recoveryCodesCard } from "../recovery-codes/recovery-codes.view.ts";

/** The page a pending session belongs on: the code prompt when a method exists, else the forced set-up. */
export function secondFactorHome(auth: ValidSession): string {
  return auth.activeMethod ? "/two-factor/verify" : "/two-factor/setup";
}

export function twoFactorRoutes(deps: AppDeps) {
  const { config, database } = deps;
  return async (app: FastifyInstance) => {
    app.get("/two-factor", { config: { access: "session" } }, async (request, reply) => {
      const auth = proven(request, "session");
      if (auth.session.stage === "pending") return reply.redirect(secondFactorHome(auth), 303);
      const active = auth.activeMethod;
      const [flash, codes] = await Promise.all([takeFlash(database.db, auth.session), countRecoveryCodes(database.db, auth.user.id)]);
      const fallback = auth.user.fallback_phone_e164;
      return sendPage(request, reply, config, {
        title: SETUP_MESSAGES.manageTitle,
        status: flash,
        body: (csrfToken) =>
          manageBody({ csrfToken, active: active?.kind ?? null, maskedPhone: active?.phoneE164 ? maskPhone(active.phoneE164) : null, maskedFallback: fallback ? maskPhone(fallback) : null, extra: active ? recoveryCodesCard({ csrfToken, ...codes }) : null }),
      });
    });

    app.get("/two-factor/setup", { config: { access: "pending" }, preHandler: requireSetupAllowed(deps, "manage") }, async (request, reply) => {
      const flash = await takeFlash(database.db, proven(request, "session").session);
      return sendPage(request, reply, config, { title: SETUP_MESSAGES.manageTitle, status: flash, body: (csrfToken) => setupOptionsBody({ csrfToken }) });
    });
  };
}
