import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";
import { newId } from "./ids.ts";

export interface QueuedMail {
  userId: string;
  to: string;
  subject: string;
  body: string;
}

/**
 * Queues one e-mail with its own text (security notices are queued by recordAuditEvent instead).
 * Run it in the transaction that makes the change: the mail queue sends it after commit and clears
 * the body once sent, so a link in it is not kept.
 */
export async function queueMail(db: Kysely<DB>, deps: CoreDeps, mail: QueuedMail): Promise<void> {
  const now = deps.clock.nowMs();
  await db
    .insertInto("outgoing_mail")
    .values({
      id: newId(deps.random),
      user_id: mail.userId,
      audit_event_id: null,
      to_address: mail.to,
      subject: mail.subject,
      body: mail.body,
      created_at: now,
      attempts: 0,
      next_attempt_at: now,
      sent_at: null,
      last_error: null,
    })
    .execute();
}
