import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { findPendingFactor, hasExpiredPendingFactor, startWebauthnSetup } from "../../auth/second-factor.ts";
import type { SecondFactor } from "../../db/schema.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text } from "../../http/forms/form.ts";
import { proven } from "../../http/guards/access.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { MESSAGES } from "../../views/code-messages.ts";
import { finishSetup, requireSetupAllowed, restartSetup } from "../setup/setup-flow.ts";
import { PASSKEY_MESSAGES } from "./passkeys.messages.ts";
import { addPasskey, registrationOptions, relyingParty } from "./passkeys.service.ts";
import { defaultPasskeyName, passkeyForm, passkeyNameField, passkeySetupBody } from "./passkeys.view.ts";

/** A new passkey's form: its name and the WebAuthn answer (a few KB of JSON at most, within the 16 KB body limit). */
export const newPasskeyForm = formSchema({ name: text(200), response: text(12_000) });

/** The name as given (trimmed), or null when it is empty or too long. */
export function readPasskeyName(name: string): string | null {
  const trimmed = name.trim();
  return trimmed.length >= 1 && trimmed.length <= 60 ? trimmed : null;
}

/** Passkey set-up ("Security key or passkey" → "Create passkey"): the first credential verifies the method. */
export function passkeySetupRoutes(deps: AppDeps) {
  const { config, database, clock } = deps;
  const db = database.db;
  const rp = () => relyingParty(config);

  async function page(request: FastifyRequest, reply: FastifyReply, state: { error?: string | null; nameError?: string | null; name?: string }, code = 200) {
    const { user, session } = proven(request, "session");
    const options = await registrationOptions(db, deps, rp(), { user, sessionId: session.id });
    const name = state.name ?? defaultPasskeyName(requestMeta(request).userAgent);
    return sendPage(request, reply, config, {
      title: "Set up a passkey",
      code,
      body: (csrfToken) =>
        passkeySetupBody({
          form: passkeyForm({ csrfToken, action: "/two-factor/setup/passkey/verify", mode: "register", options, button: "Create passkey", fields: passkeyNameField({ value: name, error: state.nameError }), error: state.error, needsJavaScript: PASSKEY_MESSAGES.needsJavaScriptSetup }),
        }),
    });
  }

  const pendingFactor = (request: FastifyRequest): Promise<SecondFactor | undefined> => findPendingFactor(db, clock, proven(request, "session").session.id, "webauthn");

  return async (app: FastifyInstance) => {
    const start = { config: { access: "session" as const, emptyForm: true }, preHandler: requireSetupAllowed(deps, "setup-passkey") };
    const opts = { config: { access: "session" as const }, preHandler: requireSetupAllowed(deps, "setup-passkey", "webauthn") };

    app.post("/two-factor/setup/passkey", start, async (request, reply) => {
      const { user, session } = proven(request, "session");
      await startWebauthnSetup(db, deps, user.id, session.id);
      return reply.redirect("/two-factor/setup/passkey", 303);
    });

    app.get("/two-factor/setup/passkey", opts, async (request, reply) => {
      if (await pendingFactor(request)) return page(request, reply, {});
      if (await hasExpiredPendingFactor(db, clock, proven(request, "session").session.id, "webauthn")) return restartSetup(request, reply, deps, MESSAGES.setupExpired, 410);
      return reply.redirect("/two-factor/setup", 303);
    });

    app.post("/two-factor/setup/passkey/verify", opts, async (request, reply) => {
      const factor = await pendingFactor(request);
      if (!factor) return restartSetup(request, reply, deps, MESSAGES.setupExpired, 410);
      const form = parseForm(newPasskeyForm, request.body);
      if (!form.ok) return page(request, reply, { error: form.message }, 400);
      const name = readPasskeyName(form.data.name);
      if (!name) return page(request, reply, { nameError: PASSKEY_MESSAGES.nameFormat, name: form.data.name.slice(0, 60) }, 400);
      const { user, session } = proven(request, "session");
      const added = await addPasskey(db, deps, rp(), { userId: user.id, sessionId: session.id, factorId: factor.id, name, response: form.data.response, meta: requestMeta(request) });
      if (!added) return page(request, reply, { error: PASSKEY_MESSAGES.notAdded, name }, 400);
      return finishSetup(request, reply, deps, factor, null);
    });
  };
}
