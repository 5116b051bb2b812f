import type { FastifyRequest } from "fastify";
import { type ChallengeTarget, type IssueResult, issueSmsChallenge } from "../auth/sms-challenge.ts";
import type { AppDeps } from "./deps.ts";
import { MESSAGES, resendCooldownMessage } from "./messages.ts";

/** Sends a code and turns the outcome into what the page says; provider failures are logged without the code. */
export async function sendSmsCode(request: FastifyRequest, deps: AppDeps, target: ChallengeTarget): Promise<{ ok: true } | { ok: false; message: string; status: number; cooldown: boolean }> {
  const result: IssueResult = await issueSmsChallenge(deps.database.db, { ...deps, portalName: deps.config.portalName }, target);
  if (result.ok) return { ok: true };
  if (result.error === "cooldown") return { ok: false, message: resendCooldownMessage(result.retryAfterMs), status: 429, cooldown: true };
  const reason = result.cause instanceof Error ? result.cause.message : "unknown error";
  request.log.warn({ purpose: target.purpose, reason }, "sms delivery failed");
  return { ok: false, message: MESSAGES.smsFailed, status: 502, cooldown: false };
}
