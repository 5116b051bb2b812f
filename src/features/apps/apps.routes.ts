import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { findAppById, listApps } from "../../auth/apps.ts";
import { isId } from "../../auth/ids.ts";
import { takeFlash } from "../../auth/session.ts";
import { setFlash } from "../../auth/step-up.ts";
import type { App } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../../http/errors.ts";
import { proven } from "../../http/guards/access.ts";
import { requireAdmin } from "../../http/guards/admin.guard.ts";
import { requireFreshSecondFactor } from "../../http/guards/step-up.guard.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { html } from "../../views/html.ts";
import { type AppFormErrors, type AppFormValues, EMPTY_FORM, formValuesOf, readAppForm } from "./app-form.ts";
import { appFormBody, removeAppBody } from "./app-form.view.ts";
import { APPS_MESSAGES as M } from "./apps.messages.ts";
import { addApp, changeApp, newClientSecret, removeAppById } from "./apps.service.ts";
import { appActionsBody, appSecretBody, appsListBody } from "./apps.view.ts";

/** The console's "Apps" (PORTAL.md §4): administrators register apps; every change needs a fresh second factor and is audited. */
export function appsRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;
  const admin = requireAdmin(deps, M.adminsOnly);
  const fresh = requireFreshSecondFactor(deps, "apps");
  const actor = (request: FastifyRequest) => ({ adminId: proven(request, "full").user.id, meta: requestMeta(request) });

  async function targetApp(request: FastifyRequest, reply: FastifyReply): Promise<App | undefined> {
    const { id } = request.params as { id?: string };
    const app = id && isId(id) ? await findAppById(db, id) : undefined;
    if (!app) sendNotFound(request, reply, config);
    return app;
  }

  const formPage = (request: FastifyRequest, reply: FastifyReply, o: { values: AppFormValues; errors?: AppFormErrors; app?: App }, code = 200) =>
    sendPage(request, reply, config, {
      title: `${o.app ? o.app.name : M.addTitle} · ${M.title}`,
      code,
      body: (csrfToken) => html`${appFormBody({ csrfToken, values: o.values, errors: o.errors ?? {}, app: o.app })}${o.app ? appActionsBody({ csrfToken, app: o.app }) : null}`,
    });

  return async (app: FastifyInstance) => {
    const read = { config: { access: "full" as const }, preHandler: admin };
    const change = { config: { access: "full" as const }, preHandler: [admin, fresh] };
    const button = { config: { access: "full" as const, emptyForm: true }, preHandler: [admin, fresh] };

    app.get("/admin/apps", read, async (request, reply) => {
      const flash = await takeFlash(db, proven(request, "full").session);
      const apps = await listApps(db);
      return sendPage(request, reply, config, { title: M.title, status: flash, body: () => appsListBody(apps) });
    });

    app.get("/admin/apps/new", change, async (request, reply) => formPage(request, reply, { values: EMPTY_FORM }));

    app.post("/admin/apps", change, async (request, reply) => {
      const form = readAppForm(request.body);
      if (!form.ok) return formPage(request, reply, { values: form.values, errors: form.errors }, 400);
      const result = await addApp(db, deps, actor(request), form.input);
      if (!result.ok) {
        const { field, message } = M.errors[result.error];
        return formPage(request, reply, { values: form.values, errors: { [field]: message } }, result.error === "duplicate_name" ? 409 : 400);
      }
      return sendPage(request, reply, config, { title: `${M.added(result.app.name)} · ${M.title}`, code: 201, body: () => appSecretBody({ app: result.app, secret: result.clientSecret, heading: M.added(result.app.name) }) });
    });

    app.get("/admin/apps/:id", change, async (request, reply) => {
      const target = await targetApp(request, reply);
      if (!target) return reply;
      return formPage(request, reply, { values: formValuesOf(target), app: target });
    });

    app.post("/admin/apps/:id", change, async (request, reply) => {
      const target = await targetApp(request, reply);
      if (!target) return reply;
      const form = readAppForm(request.body, target.method);
      if (!form.ok) return formPage(request, reply, { values: form.values, errors: form.errors, app: target }, 400);
      const result = await changeApp(db, deps, actor(request), target, form.input);
      if (!result.ok) {
        const { field, message } = M.errors[result.error];
        return formPage(request, reply, { values: form.values, errors: { [field]: message }, app: target }, result.error === "duplicate_name" ? 409 : 400);
      }
      await setFlash(db, proven(request, "full").session.id, M.saved(result.app.name));
      return reply.redirect("/admin/apps", 303);
    });

    app.get("/admin/apps/:id/remove", change, async (request, reply) => {
      const target = await targetApp(request, reply);
      if (!target) return reply;
      return sendPage(request, reply, config, { title: M.removeQuestion(target.name), body: (csrfToken) => removeAppBody({ csrfToken, app: target }) });
    });

    app.post("/admin/apps/:id/remove", button, async (request, reply) => {
      const target = await targetApp(request, reply);
      if (!target) return reply;
      if (await removeAppById(db, deps, actor(request), target)) await setFlash(db, proven(request, "full").session.id, M.removed(target.name));
      return reply.redirect("/admin/apps", 303);
    });

    app.post("/admin/apps/:id/secret", button, async (request, reply) => {
      const target = await targetApp(request, reply);
      if (!target) return reply;
      const secret = await newClientSecret(db, deps, actor(request), target);
      if (!secret) return formPage(request, reply, { values: formValuesOf(target), errors: { form: M.noSecret }, app: target }, 409);
      return sendPage(request, reply, config, { title: `New client secret · ${target.name}`, body: () => appSecretBody({ app: target, secret, heading: `New client secret for ${target.name}` }) });
    });
  };
}
