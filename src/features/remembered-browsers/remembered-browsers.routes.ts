import type { FastifyInstance } from "fastify";
import { isId } from "../../auth/ids.ts";
import { forgetRememberedBrowser } from "../../auth/remembered-browsers.ts";
import { setFlash } from "../../auth/step-up.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../../http/errors.ts";
import { proven } from "../../http/guards/access.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { REMEMBERED_BROWSER_MESSAGES } from "./remembered-browsers.messages.ts";

/** "Forget" on the Sessions page (full sessions only, the default access). */
export function rememberedBrowserRoutes(deps: AppDeps) {
  const db = deps.database.db;
  return async (app: FastifyInstance) => {
    app.post("/account/remembered-browsers/:id/forget", { config: { emptyForm: true } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isId(id)) return sendNotFound(request, reply, deps.config);
      const { user, session } = proven(request, "full");
      // Another user's browser, or one already forgotten: the same 404.
      if (!(await forgetRememberedBrowser(db, deps, { userId: user.id, id, meta: requestMeta(request) }))) return sendNotFound(request, reply, deps.config);
      await setFlash(db, session.id, REMEMBERED_BROWSER_MESSAGES.forgotten);
      return reply.redirect("/account/sessions", 303);
    });
  };
}
