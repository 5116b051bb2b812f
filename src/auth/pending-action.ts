import type { Kysely } from "kysely";
import { z } from "zod";
import type { DB } from "../db/schema.ts";
import { STEP_UP_WINDOW_MS } from "./step-up.ts";

/** What a step-up-guarded form asked for, kept while its user proves a fresh code (PORTAL.md §6). */
export interface PendingAction {
  action: string;
  /** The route parameters (e.g. the user an administrator acts on). */
  params: Record<string, string>;
  /** The form fields, as validated before the step-up was asked for. Never a password or a code. */
  fields: Record<string, string>;
}

const payloadSchema = z.object({ params: z.record(z.string(), z.string()), fields: z.record(z.string(), z.string()) });

/** Keeps `pending` for this session for the step-up window, replacing any earlier one. */
export async function savePendingAction(db: Kysely<DB>, sessionId: string, nowMs: number, pending: PendingAction): Promise<void> {
  const row = { action: pending.action, payload: JSON.stringify({ params: pending.params, fields: pending.fields }), expires_at: nowMs + STEP_UP_WINDOW_MS };
  await db
    .insertInto("pending_actions")
    .values({ session_id: sessionId, ...row })
    .onConflict((oc) => oc.column("session_id").doUpdateSet(row))
    .execute();
}

/** The name of the session's unexpired pending action, without taking it (the step-up page's wording). */
export async function peekPendingAction(db: Kysely<DB>, sessionId: string, nowMs: number): Promise<string | null> {
  const row = await db.selectFrom("pending_actions").select("action").where("session_id", "=", sessionId).where("expires_at", ">", nowMs).executeTakeFirst();
  return row?.action ?? null;
}

/**
 * Takes the session's pending action: deleted whether or not it is still valid, and handed to at most
 * one caller (the delete is the compare-and-set), so a verified step-up finishes it once.
 */
export async function takePendingAction(db: Kysely<DB>, sessionId: string, nowMs: number): Promise<PendingAction | null> {
  const row = await db.selectFrom("pending_actions").selectAll().where("session_id", "=", sessionId).executeTakeFirst();
  if (!row) return null;
  const deleted = await db.deleteFrom("pending_actions").where("session_id", "=", sessionId).where("payload", "=", row.payload).where("expires_at", "=", row.expires_at).executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1 || row.expires_at <= nowMs) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(row.payload);
  } catch {
    return null;
  }
  const parsed = payloadSchema.safeParse(payload);
  return parsed.success ? { action: row.action, ...parsed.data } : null;
}
