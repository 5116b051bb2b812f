import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import type { DB, SecondFactor } from "../../db/schema.ts";
import { type AuditEventType, recordAuditEvent } from "../../auth/audit.ts";
import { activateFactor, findActiveFactor } from "../../auth/second-factor.ts";
import { deleteUserSessions, type SessionMeta } from "../../auth/session.ts";
import { forgetRememberedBrowsers } from "../../auth/remembered-browsers.ts";

export type FactorChange = "two_factor.setup" | "two_factor.key_replaced" | "two_factor.phone_changed" | "two_factor.switched";

export function describeChange(previous: SecondFactor | undefined, next: SecondFactor): FactorChange {
  if (!previous) return "two_factor.setup";
  if (previous.kind !== next.kind) return "two_factor.switched";
  if (next.kind === "webauthn") return "two_factor.switched";
  return next.kind === "totp" ? "two_factor.key_replaced" : "two_factor.phone_changed";
}

/**
 * A signed-in user's verified new method replaces the old one. In one transaction: activate it
 * (the old one worked until this moment), sign out the user's other sessions (OWASP ASVS 5 §7.4.3),
 * record the event. Null when a concurrent request already finished this set-up.
 */
export async function applyFactorChange(
  db: Kysely<DB>,
  deps: CoreDeps,
  input: { factor: SecondFactor; totpStep: number | null; sessionId: string; meta: SessionMeta },
): Promise<FactorChange | null> {
  const { factor } = input;
  return db.transaction().execute(async (trx) => {
    const previous = await findActiveFactor(trx, factor.user_id);
    if (!(await activateFactor(trx, factor, deps.clock.nowMs(), input.totpStep))) return null;
    await deleteUserSessions(trx, factor.user_id, input.sessionId);
    await forgetRememberedBrowsers(trx, factor.user_id);
    const type: AuditEventType = describeChange(previous, factor);
    await recordAuditEvent(trx, deps, {
      type,
      actorUserId: factor.user_id,
      subjectUserId: factor.user_id,
      ip: input.meta.ip,
      userAgent: input.meta.userAgent,
      detail: { method: factor.kind, previous_method: previous?.kind ?? null },
    });
    return type;
  });
}
