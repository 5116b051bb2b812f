import type { FastifyRequest } from "fastify";
import { type ChallengeTarget, type IssueResult, issueSmsChallenge } from "../auth/sms-challenge.ts";
import { html, type PageText } from "../views/html.ts";
import { timeTag } from "../views/time.ts";
import { timeZoneOf } from "./render.ts";
import type { AppDeps } from "../deps.ts";
import { MESSAGES, resendCooldownMessage } from "../views/code-messages.ts";

export type SendOutcome = { ok: true } | { ok: false; message: PageText; status: number; cooldown: boolean };

/** Sends a code and turns the outcome into what the page says; provider failures are logged without the code. */
export async function sendSmsCode(request: FastifyRequest, deps: AppDeps, target: Omit<ChallengeTarget, "ip">): Promise<SendOutcome> {
  const allowedCountries = deps.config.smsAllowedCountries ? new Set(deps.config.smsAllowedCountries) : null;
  const result: IssueResult = await issueSmsChallenge(deps.database.db, { ...deps, portalName: deps.config.portalName, allowedCountries }, { ...target, ip: request.limitGroup || request.ip });
  deps.metrics?.recordSms(target.purpose, result.ok ? "sent" : result.error === "send_failed" ? "failed" : result.error);
  if (result.ok) return { ok: true };
  switch (result.error) {
    case "cooldown":
      return { ok: false, message: resendCooldownMessage(result.retryAfterMs), status: 429, cooldown: true };
    case "rate_limited":
      return { ok: false, message: html`${MESSAGES.smsRateLimited} Try again after ${timeTag(deps.clock.nowMs() + result.retryAfterMs, timeZoneOf(request))}.`, status: 429, cooldown: false };
    case "country_not_allowed":
      return { ok: false, message: MESSAGES.smsCountryNotAllowed, status: 400, cooldown: false };
    case "send_failed": {
      const reason = result.cause instanceof Error ? result.cause.message : "unknown error";
      request.log.warn({ purpose: target.purpose, reason }, "sms delivery failed");
      return { ok: false, message: MESSAGES.smsFailed, status: 502, cooldown: false };
    }
  }
}
