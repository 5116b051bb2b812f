import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isId } from "../../auth/ids.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { setFlash } from "../../auth/step-up.ts";
import { takeFlash } from "../../auth/session.ts";
import type { AppDeps } from "../../deps.ts";
import { sendNotFound } from "../../http/errors.ts";
import { parseForm } from "../../http/forms/form.ts";
import { proven } from "../../http/guards/access.ts";
import { requireFreshSecondFactor } from "../../http/guards/step-up.guard.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { PASSKEY_MESSAGES } from "./passkeys.messages.ts";
import { addPasskey, listPasskeys, registrationOptions, relyingParty, removePasskey } from "./passkeys.service.ts";
import { defaultPasskeyName, passkeyForm, passkeyListBody, passkeyNameField } from "./passkeys.view.ts";
import { newPasskeyForm, readPasskeyName } from "./passkey-setup.routes.ts";

const PAGE = "/two-factor/passkeys";

/** The enabled passkey method's "Manage": list, "Remove" (never the last), "Add a passkey". Each needs a fresh proof. */
export function passkeyManageRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;
  const rp = () => relyingParty(config);

  async function page(request: FastifyRequest, reply: FastifyReply, state: { error?: string | null; nameError?: string | null; name?: string }, code = 200) {
    const { user, session } = proven(request, "full");
    const [passkeys, options, flash] = await Promise.all([listPasskeys(db, user.id), registrationOptions(db, deps, rp(), { user, sessionId: session.id }), takeFlash(db, session)]);
    const name = state.name ?? defaultPasskeyName(requestMeta(request).userAgent);
    return sendPage(request, reply, config, {
      title: "Passkeys",
      code,
      status: flash,
      body: (csrfToken) =>
        passkeyListBody({
          csrfToken,
          passkeys,
          addForm: passkeyForm({ csrfToken, action: `${PAGE}/add`, mode: "register", options, button: "Add a passkey", fields: passkeyNameField({ value: name, error: state.nameError }), error: state.error }),
        }),
    });
  }

  return async (app: FastifyInstance) => {
    const fresh = { preHandler: requireFreshSecondFactor(deps, "passkeys") };
    const isPasskeyUser = async (request: FastifyRequest) => (await findActiveFactor(db, proven(request, "full").user.id))?.kind === "webauthn";

    app.get(PAGE, fresh, async (request, reply) => {
      if (!(await isPasskeyUser(request))) return reply.redirect("/two-factor", 303);
      return page(request, reply, {});
    });

    app.post(`${PAGE}/add`, fresh, async (request, reply) => {
      const { user, session } = proven(request, "full");
      const factor = await findActiveFactor(db, user.id);
      if (factor?.kind !== "webauthn") return reply.redirect("/two-factor", 303);
      const form = parseForm(newPasskeyForm, request.body);
      if (!form.ok) return page(request, reply, { error: form.message }, 400);
      const name = readPasskeyName(form.data.name);
      if (!name) return page(request, reply, { nameError: PASSKEY_MESSAGES.nameFormat, name: form.data.name.slice(0, 60) }, 400);
      const added = await addPasskey(db, deps, rp(), { userId: user.id, sessionId: session.id, factorId: factor.id, name, response: form.data.response, meta: requestMeta(request) });
      if (!added) return page(request, reply, { error: PASSKEY_MESSAGES.notAdded, name }, 400);
      await setFlash(db, session.id, PASSKEY_MESSAGES.added);
      return reply.redirect(PAGE, 303);
    });

    app.post(`${PAGE}/:id/remove`, { ...fresh, config: { emptyForm: true } }, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isId(id)) return sendNotFound(request, reply, config);
      const { user, session } = proven(request, "full");
      const result = await removePasskey(db, deps, { userId: user.id, id, meta: requestMeta(request) });
      if (result === "unknown") return sendNotFound(request, reply, config);
      if (result === "last") return page(request, reply, { error: PASSKEY_MESSAGES.last }, 409);
      await setFlash(db, session.id, PASSKEY_MESSAGES.removed);
      return reply.redirect(PAGE, 303);
    });
  };
}
