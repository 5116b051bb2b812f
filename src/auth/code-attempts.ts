import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

/**
 * At most 5 second-factor codes per session and per SMS challenge (NIST SP 800-63B §5.2.2 asks for
 * rate limiting; the figure is ours). A try takes its slot *before* the code is checked, with an
 * atomic conditional update, so concurrent guesses cannot exceed the limit.
 */
export const MAX_CODE_ATTEMPTS = 5;

export async function takeSessionCodeAttempt(db: Kysely<DB>, sessionId: string): Promise<boolean> {
  const result = await db
    .updateTable("sessions")
    .set((eb) => ({ code_attempts: eb("code_attempts", "+", 1) }))
    .where("id", "=", sessionId)
    .where("code_attempts", "<", MAX_CODE_ATTEMPTS)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
