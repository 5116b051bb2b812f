import type { Kysely } from "kysely";
import { auditEventId } from "../../src/auth/audit.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { AuditEvent, DB } from "../../src/db/schema.ts";

export type SeededAuditEvent = Partial<Omit<AuditEvent, "id">> & { at: number };

/**
 * Writes audit events straight into the table, 500 rows a statement (many events in little time, at
 * the times a test chooses), with ids made as the portal makes them. Returns the rows written.
 */
export async function insertAuditEvents(db: Kysely<DB>, events: SeededAuditEvent[]): Promise<AuditEvent[]> {
  const rows: AuditEvent[] = events.map((e) => ({
    id: auditEventId(cryptoRandom, e.at),
    type: "signin.completed",
    actor_user_id: null,
    subject_user_id: null,
    ip: null,
    user_agent: null,
    detail: null,
    ...e,
  }));
  for (let start = 0; start < rows.length; start += 500) await db.insertInto("audit_events").values(rows.slice(start, start + 500)).execute();
  return rows;
}

/** The times of the audit events left in the table, oldest first. */
export async function auditEventTimes(db: Kysely<DB>): Promise<number[]> {
  return (await db.selectFrom("audit_events").select("at").orderBy("at").execute()).map((row) => Number(row.at));
}
