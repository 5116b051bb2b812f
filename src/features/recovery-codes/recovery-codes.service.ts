import type { Kysely } from "kysely";
import type { CoreDeps } from "../../auth/deps.ts";
import type { DB } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { generateRecoveryCode, hashRecoveryCode, RECOVERY_CODE_COUNT, replaceRecoveryCodes, useRecoveryCode } from "../../auth/recovery-codes.ts";
import type { SessionMeta } from "../../auth/session.ts";

/**
 * A new set of ten codes replaces the old one (used or not) in one transaction with its audit event
 * (which e-mails the user). The plain codes are returned to be shown once; only their hashes are kept.
 */
export async function createRecoveryCodeSet(db: Kysely<DB>, deps: CoreDeps, input: { userId: string; meta: SessionMeta }): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => generateRecoveryCode(deps.random));
  const hashes = await Promise.all(codes.map((code) => hashRecoveryCode(code)));
  await db.transaction().execute(async (trx) => {
    await replaceRecoveryCodes(trx, deps, input.userId, hashes);
    await recordAuditEvent(trx, deps, { type: "recovery_codes.created", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta, detail: { count: codes.length } });
  });
  return codes;
}

/** The code is taken (compare-and-set) and its use recorded (and e-mailed) inside the sign-in's transaction. */
export function takeRecoveryCode(deps: CoreDeps, input: { userId: string; codeId: string; meta: SessionMeta }) {
  return async (trx: Kysely<DB>): Promise<boolean> => {
    if (!(await useRecoveryCode(trx, input.codeId, deps.clock.nowMs()))) return false;
    const left = await trx.selectFrom("recovery_codes").select((eb) => eb.fn.countAll<number>().as("n")).where("user_id", "=", input.userId).where("used_at", "is", null).executeTakeFirstOrThrow();
    await recordAuditEvent(trx, deps, { type: "recovery_code.used", actorUserId: input.userId, subjectUserId: input.userId, ...input.meta, detail: { codes_left: Number(left.n) } });
    return true;
  };
}
