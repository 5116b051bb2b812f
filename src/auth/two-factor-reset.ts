import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { deleteRecoveryCodes } from "./recovery-codes.ts";
import { forgetRememberedBrowsers } from "./remembered-browsers.ts";
import { deleteUserSessions, type SessionMeta } from "./session.ts";
import { clearSecondFactorFailures } from "./lockout.ts";

/** Who reset it: the user with their fallback phone, a support agent in the console, or the CLI. */
export type ResetActor = { kind: "self" } | { kind: "support"; agentId: string; identityCheck: string; reason: string } | { kind: "cli"; reason: string };

export interface ResetInput {
  userId: string;
  actor: ResetActor;
  /** The session that proved the fallback phone keeps going (straight to set-up); every other one ends. */
  keepSessionId: string | null;
  meta: SessionMeta;
}

/**
 * Removes every second-factor method of the user and ends their other sessions, with the audit event
 * (which also queues the e-mail to the user), in one transaction. The user sets up again at the next
 * sign-in, or right now in the kept session. The fallback phone stays: it is not a way to sign in.
 */
export async function resetTwoFactor(db: Kysely<DB>, deps: CoreDeps, input: ResetInput): Promise<void> {
  const { actor } = input;
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom("second_factors").where("user_id", "=", input.userId).execute();
    // The old recovery codes go with the old method: whoever asked for the reset may not be the one holding them.
    await deleteRecoveryCodes(trx, input.userId);
    await forgetRememberedBrowsers(trx, input.userId);
    await clearSecondFactorFailures(trx, input.userId);
    await deleteUserSessions(trx, input.userId, input.keepSessionId ?? undefined);
    // The kept session proved the fallback phone: its earlier wrong codes no longer stand in the way of set-up.
    if (input.keepSessionId) await trx.updateTable("sessions").set({ code_attempts: 0 }).where("id", "=", input.keepSessionId).execute();
    await recordAuditEvent(trx, deps, {
      type: actor.kind === "self" ? "two_factor.reset" : "two_factor.support_reset",
      actorUserId: actor.kind === "self" ? input.userId : actor.kind === "support" ? actor.agentId : null,
      subjectUserId: input.userId,
      ip: input.meta.ip,
      userAgent: input.meta.userAgent,
      detail:
        actor.kind === "self"
          ? { via: "fallback_phone" }
          : actor.kind === "support"
            ? { via: "console", identity_check: actor.identityCheck, reason: actor.reason }
            : { via: "cli", reason: actor.reason },
    });
  });
}
