import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

/** One audit event as an export shows it: who by their current e-mail address (their id once they are gone). */
export interface ExportedAuditEvent {
  atMs: number;
  type: string;
  actor: string | null;
  subject: string | null;
  ip: string | null;
  userAgent: string | null;
  detail: Record<string, unknown> | null;
}

export const EXPORT_PAGE_SIZE = 1_000;

function readPage(db: Kysely<DB>, sinceMs: number, after: { at: number; id: string } | null, pageSize: number) {
  return db
    .selectFrom("audit_events as e")
    .leftJoin("users as actors", "actors.id", "e.actor_user_id")
    .leftJoin("users as subjects", "subjects.id", "e.subject_user_id")
    .select(["e.id", "e.at", "e.type", "e.actor_user_id", "e.subject_user_id", "e.ip", "e.user_agent", "e.detail", "actors.email as actor_email", "subjects.email as subject_email"])
    .where("e.at", ">=", sinceMs)
    .$if(after !== null, (query) => query.where((eb) => eb.or([eb("e.at", ">", after!.at), eb.and([eb("e.at", "=", after!.at), eb("e.id", ">", after!.id)])])))
    .orderBy("e.at")
    .orderBy("e.id")
    .limit(pageSize)
    .execute();
}

/**
 * The audit log from `sinceMs` on, oldest first, a page at a time: each page continues after the last
 * row of the one before (keyset on the index (at, id), no OFFSET), so memory stays flat, each page is
 * one quick indexed read, and no row comes twice even while new events are written.
 */
export async function* readAuditLog(db: Kysely<DB>, sinceMs: number, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<ExportedAuditEvent[]> {
  let after: { at: number; id: string } | null = null;
  for (;;) {
    const rows = await readPage(db, sinceMs, after, pageSize);
    if (rows.length === 0) return;
    yield rows.map((row) => ({
      atMs: Number(row.at),
      type: row.type,
      actor: row.actor_email ?? row.actor_user_id,
      subject: row.subject_email ?? row.subject_user_id,
      ip: row.ip,
      userAgent: row.user_agent,
      detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
    }));
    if (rows.length < pageSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: Number(last.at), id: last.id };
  }
}
