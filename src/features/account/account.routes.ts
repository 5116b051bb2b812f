import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { changePassword, checkCurrentPassword } from "./account.service.ts";
import { ACCOUNT_MESSAGES } from "./account.messages.ts";
import { hashPassword } from "../../auth/password.ts";
import { sha256Hex } from "../../crypto/hash.ts";
import { postWithStepUp, stepUpFirst } from "../../http/guards/pending-action.ts";
import { setFlash } from "../../auth/step-up.ts";
import { newPasswordBody, type NewPasswordErrors } from "../password-reset/password-reset.view.ts";
import type { AppDeps } from "../../deps.ts";
import { formSchema, parseForm, text, FIELD_MAX_LENGTH } from "../../http/forms/form.ts";
import { checkReplacementPassword } from "../../http/forms/password-choice.ts";
import { sendPage } from "../../http/render.ts";
import { requestMeta } from "../../http/request-meta.ts";
import { requireFreshSecondFactor } from "../../http/guards/step-up.guard.ts";
import { proven } from "../../http/guards/access.ts";
import { ACCOUNT_MESSAGES as M } from "./account.messages.ts";

const passwordForm = formSchema({ current: text(FIELD_MAX_LENGTH, "Current password"), password: text(FIELD_MAX_LENGTH, "New password"), confirm: text(FIELD_MAX_LENGTH, "Confirm new password") });
/** A change kept through a step-up: the new hash, and the SHA-256 of the hash it replaces. */
const keptChange = formSchema({ new_hash: text().regex(/^\$argon2id\$/), based_on: text().regex(/^[0-9a-f]{64}$/) });

/** Signed-in self-service: change the password (with a fresh second factor). "Profile" is profile.routes.ts. */
export function accountRoutes(deps: AppDeps) {
  const { config, database } = deps;
  const db = database.db;

  const passwordPage = (request: FastifyRequest, reply: FastifyReply, errors: NewPasswordErrors, code = 200) =>
    sendPage(request, reply, config, {
      title: M.passwordTitle,
      code,
      body: (csrfToken) => newPasswordBody({ csrfToken, action: "/account/password", heading: M.passwordTitle, askCurrent: true, errors, submitLabel: M.passwordSubmit }),
    });

  async function finish(request: FastifyRequest, reply: FastifyReply, passwordHash: string) {
    const { user, session } = proven(request, "full");
    await changePassword(db, deps, { userId: user.id, sessionId: session.id, passwordHash, meta: requestMeta(request) });
    await setFlash(db, session.id, ACCOUNT_MESSAGES.passwordChanged);
    return reply.redirect("/", 303);
  }

  return async (app: FastifyInstance) => {
    const fresh = { config: { access: "full" as const }, preHandler: requireFreshSecondFactor(deps, "password") };

    app.get("/account/password", fresh, async (request, reply) => passwordPage(request, reply, {}));

    // Posted after the step-up window: the checked change is kept (the new password's hash, never the
    // password) and made once the code is verified, unless the password changed in the meantime.
    postWithStepUp(app, "/account/password", { name: "account.password", config: fresh.config, run: async (request, reply, input) => {
      const { user, session } = proven(request, "full");
      const kept = input.replayed ? parseForm(keptChange, input.body) : null;
      if (kept && !kept.ok) return passwordPage(request, reply, { form: kept.message }, 400);
      if (kept?.ok) {
        if (!user.password_hash || sha256Hex(user.password_hash) !== kept.data.based_on) return passwordPage(request, reply, { form: ACCOUNT_MESSAGES.changedMeanwhile }, 409);
        return finish(request, reply, kept.data.new_hash);
      }
      const parsed = parseForm(passwordForm, input.body);
      if (!parsed.ok) return passwordPage(request, reply, { form: parsed.message }, 400);
      const { current, password, confirm } = parsed.data;
      const check = await checkCurrentPassword(db, deps, { user, current, meta: requestMeta(request) });
      if (!check.ok) return check.reason === "locked" ? passwordPage(request, reply, { form: ACCOUNT_MESSAGES.tooManyWrong }, 429) : passwordPage(request, reply, { current: ACCOUNT_MESSAGES.currentWrong }, 400);
      const errors = await checkReplacementPassword(user.password_hash, password, confirm);
      if (errors) return passwordPage(request, reply, errors, 400);
      const newHash = await hashPassword(password);
      const fields = { new_hash: newHash, based_on: sha256Hex(user.password_hash!) };
      if (await stepUpFirst(deps, request, reply, { action: "account.password", fields, to: { then: "password" } })) return reply;
      return finish(request, reply, newHash);
    } });
  };
}
