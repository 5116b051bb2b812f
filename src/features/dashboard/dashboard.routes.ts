import type { FastifyInstance } from "fastify";
import { appsUsableBy } from "../../auth/apps-access.ts";
import { cachedAppList } from "../../auth/apps.ts";
import { listAuditEventsFor } from "../../auth/audit.ts";
import { maskPhone } from "../../auth/phone.ts";
import { takeFlash } from "../../auth/session.ts";
import { dashboardBody } from "./dashboard.view.ts";
import type { AppDeps } from "../../deps.ts";
import { sendPage } from "../../http/render.ts";
import { proven } from "../../http/guards/access.ts";
import { DASHBOARD_MESSAGES as M } from "./dashboard.messages.ts";
import { countRecoveryCodes } from "../../auth/recovery-codes.ts";

export function dashboardRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return async (app: FastifyInstance) => {
    app.get("/", async (request, reply) => {
      const { user, session, activeMethod } = proven(request, "full");
      const [flash, events, apps, codes] = await Promise.all([takeFlash(db, session), listAuditEventsFor(db, user.id), cachedAppList(db, deps.clock), countRecoveryCodes(db, user.id)]);
      const method = !activeMethod ? null : activeMethod.kind === "sms" ? { kind: "sms" as const, maskedPhone: maskPhone(activeMethod.phoneE164!) } : { kind: activeMethod.kind };
      return sendPage(request, reply, deps.config, {
        title: M.title,
        status: flash,
        body: () => dashboardBody({ displayName: user.display_name, method, fallbackPhone: user.fallback_phone_e164 ? maskPhone(user.fallback_phone_e164) : null, previousSignInAt: user.previous_sign_in_at, apps: appsUsableBy(apps, user).map((app) => ({ name: app.name, url: app.url })), recoveryCodes: codes, activity: events.map((e) => ({ type: e.type, atMs: e.at, ip: e.ip, userAgent: e.user_agent, detail: e.detail })) }),
      });
    });
  };
}
