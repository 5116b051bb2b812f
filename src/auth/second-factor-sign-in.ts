import type { Kysely } from "kysely";
import type { DB, SecondFactor, Session, SignInMethod } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { activateFactor } from "./second-factor.ts";
import { promoteToFullSession, type SessionDeps, type SessionMeta } from "./session.ts";

export interface CompletionOptions {
  method: SignInMethod;
  /** A set-up being verified: it becomes the active method in the same transaction. */
  activate?: { factor: SecondFactor; totpStep: number | null };
  /**
   * A single-use proof (a recovery code) taken with a compare-and-set in the same transaction, before
   * anything is written: false means another request took it, and the sign-in ends as "taken".
   */
  consume?: (trx: Kysely<DB>) => Promise<boolean>;
  flash?: string | null;
}

/**
 * The second factor is proven: in one transaction, activate the set-up (if any), replace the pending
 * session with a full one (new token), and record the sign-in. Null when a concurrent request won the
 * session; "taken" when one took the single-use proof first.
 */
export async function completeSecondFactor(
  db: Kysely<DB>,
  deps: SessionDeps,
  pending: Session,
  meta: SessionMeta,
  options: CompletionOptions,
): Promise<{ token: string; session: Session } | "taken" | null> {
  const now = deps.clock.nowMs();
  return db.transaction().execute(async (trx) => {
    if (options.consume && !(await options.consume(trx))) return "taken";
    if (options.activate && !(await activateFactor(trx, options.activate.factor, now, options.activate.totpStep))) return null;
    const promoted = await promoteToFullSession(trx, deps, pending, meta, { method: options.method, flash: options.flash ?? null });
    if (!promoted) return null;
    await trx
      .updateTable("users")
      .set((eb) => ({ previous_sign_in_at: eb.ref("last_sign_in_at"), last_sign_in_at: now }))
      .where("id", "=", pending.user_id)
      .execute();
    if (options.activate) {
      await recordAuditEvent(trx, deps, { type: "two_factor.setup", actorUserId: pending.user_id, subjectUserId: pending.user_id, ip: meta.ip, userAgent: meta.userAgent, detail: { method: options.method } });
    }
    await recordAuditEvent(trx, deps, { type: "signin.completed", actorUserId: pending.user_id, subjectUserId: pending.user_id, ip: meta.ip, userAgent: meta.userAgent, detail: { method: options.method } });
    return promoted;
  });
}
