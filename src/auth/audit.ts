import type { Kysely } from "kysely";
import type { Clock } from "../clock.ts";
import type { RandomSource } from "../crypto/random.ts";
import type { AuditEvent, DB } from "../db/schema.ts";
import { newId } from "./ids.ts";

export type AuditEventType =
  | "user.created"
  | "user.password_set"
  | "signin.password_succeeded"
  | "signin.password_failed"
  | "signin.completed"
  | "signin.second_factor_failed"
  | "two_factor.setup"
  | "two_factor.key_replaced"
  | "two_factor.phone_changed"
  | "two_factor.switched"
  | "two_factor.step_up"
  | "two_factor.step_up_failed"
  | "fallback.added"
  | "fallback.changed"
  | "fallback.removed"
  | "signout";

export interface AuditInput {
  type: AuditEventType;
  actorUserId: string | null;
  subjectUserId: string | null;
  ip?: string | null;
  userAgent?: string | null;
  /** Non-secret facts only: never a password, code, token or full phone number. */
  detail?: Record<string, string | number | boolean | null>;
}

export async function recordAuditEvent(db: Kysely<DB>, deps: { clock: Clock; random: RandomSource }, input: AuditInput): Promise<void> {
  await db
    .insertInto("audit_events")
    .values({
      id: newId(deps.random),
      at: deps.clock.nowMs(),
      type: input.type,
      actor_user_id: input.actorUserId,
      subject_user_id: input.subjectUserId,
      ip: input.ip ?? null,
      user_agent: input.userAgent?.slice(0, 512) ?? null,
      detail: input.detail ? JSON.stringify(input.detail) : null,
    })
    .execute();
}

export async function listAuditEventsFor(db: Kysely<DB>, subjectUserId: string, limit = 10): Promise<AuditEvent[]> {
  return db.selectFrom("audit_events").selectAll().where("subject_user_id", "=", subjectUserId).orderBy("at", "desc").limit(limit).execute();
}
