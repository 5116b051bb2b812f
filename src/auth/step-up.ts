import type { Kysely } from "kysely";
import type { DB, Session } from "../db/schema.ts";

/**
 * Changing a factor needs the current one verified in the last 5 minutes (OWASP Multifactor
 * Authentication Cheat Sheet: re-authenticate with an enrolled factor before changing factors).
 */
export const STEP_UP_WINDOW_MS = 5 * 60_000;

export function hasFreshSecondFactor(session: Session, nowMs: number): boolean {
  return session.stage === "full" && session.second_factor_at !== null && nowMs - session.second_factor_at < STEP_UP_WINDOW_MS;
}

/** The current factor was just proven again in this session; its tries start afresh (they count failures). */
export async function recordStepUp(db: Kysely<DB>, sessionId: string, nowMs: number): Promise<void> {
  await db.updateTable("sessions").set({ second_factor_at: nowMs, code_attempts: 0 }).where("id", "=", sessionId).where("stage", "=", "full").execute();
}

/** One-time confirmation for the current session (shown on its next page). */
export async function setFlash(db: Kysely<DB>, sessionId: string, message: string): Promise<void> {
  await db.updateTable("sessions").set({ flash: message }).where("id", "=", sessionId).execute();
}
