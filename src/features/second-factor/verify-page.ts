import type { FastifyReply, FastifyRequest } from "fastify";
import { maskPhone } from "../../auth/phone.ts";
import { findLatestChallenge, RESEND_COOLDOWN_MS } from "../../auth/sms-challenge.ts";
import type { SecondFactor } from "../../db/schema.ts";
import { resetSection } from "./reset-dialog.view.ts";
import { smsCodeBody } from "../../views/sms-code-form.ts";
import { verifyAppBody } from "./verify.view.ts";
import type { AppDeps } from "../../deps.ts";
import { MESSAGES } from "../../views/code-messages.ts";
import { sendPage } from "../../http/render.ts";
import { proven } from "../../http/guards/access.ts";
import { SECOND_FACTOR_MESSAGES } from "./second-factor.messages.ts";
import { countRecoveryCodes } from "../../auth/recovery-codes.ts";
import { html, type PageText } from "../../views/html.ts";
import { otherWaysSection } from "./verify.view.ts";
import { rememberCheckbox } from "../remembered-browsers/remember.view.ts";
import { sendPasskeyVerifyPage } from "../passkeys/passkey-sign-in.routes.ts";

const VERIFY_TITLE = SECOND_FACTOR_MESSAGES.verifyTitle;

export interface VerifyPageState {
  factor: SecondFactor;
  error?: PageText | null;
  notice?: PageText | null;
  code?: number;
  /** The reset dialog rendered open, with its own message. */
  reset?: { open: boolean; error?: PageText | null; notice?: PageText | null };
}

/** "Two-Factor Verification" for the request's pending session, with the reset dialog. */
export async function sendVerifyPage(request: FastifyRequest, reply: FastifyReply, deps: AppDeps, state: VerifyPageState): Promise<FastifyReply> {
  const auth = proven(request, "pending");
  const { factor } = state;
  const db = deps.database.db;
  const nowMs = deps.clock.nowMs();
  const [signInChallenge, resetChallenge, codes] = await Promise.all([
    factor.kind === "sms" ? findLatestChallenge(db, auth.session.id, "signin") : undefined,
    findLatestChallenge(db, auth.session.id, "reset"),
    countRecoveryCodes(db, auth.user.id),
  ]);
  const dialogOpen = state.reset?.open ?? false;
  const fallback = auth.user.fallback_phone_e164;
  const reset = (csrfToken: string) => html`${codes.unused > 0 ? otherWaysSection() : null}${resetSection({
      csrfToken,
      open: dialogOpen,
      maskedFallback: fallback ? maskPhone(fallback) : null,
      supportContact: deps.config.supportContact,
      codeDeadline: resetChallenge && resetChallenge.expires_at > nowMs ? { atMs: resetChallenge.expires_at, nowMs } : null,
      error: state.reset?.error ?? null,
      notice: state.reset?.notice ?? null,
    })}`;
  if (factor.kind === "webauthn") return sendPasskeyVerifyPage(request, reply, deps, { error: state.error, code: state.code, after: reset });
  const remember = rememberCheckbox(deps.config.rememberBrowserDays);
  if (factor.kind === "totp") {
    return sendPage(request, reply, deps.config, { title: VERIFY_TITLE, code: state.code, body: (csrfToken) => verifyAppBody({ csrfToken, error: state.error, reset: reset(csrfToken), dialogOpen, remember }) });
  }
  return sendPage(request, reply, deps.config, {
    title: VERIFY_TITLE,
    code: state.code,
    body: (csrfToken) =>
      smsCodeBody({
        heading: VERIFY_TITLE,
        csrfToken,
        maskedPhone: maskPhone(factor.phone_e164!),
        verifyAction: "/two-factor/verify",
        resendAction: "/two-factor/verify/resend",
        deadline: signInChallenge ? { atMs: signInChallenge.expires_at, nowMs } : null,
        resendAvailableAtMs: signInChallenge ? signInChallenge.created_at + RESEND_COOLDOWN_MS : null,
        nowMs,
        // No live code for this session means the send on arrival failed.
        error: state.error ?? (signInChallenge || dialogOpen ? null : MESSAGES.smsFailed),
        notice: state.notice ?? null,
        extra: reset(csrfToken),
        extraFields: remember,
        autofocus: !dialogOpen,
      }),
  });
}
