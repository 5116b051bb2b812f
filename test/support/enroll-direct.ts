import type { Kysely } from "kysely";
import { activateFactor, startSmsSetup, startTotpSetup } from "../../src/auth/second-factor.ts";
import { createSession, deleteSession } from "../../src/auth/session.ts";
import { createUser } from "../../src/auth/user.ts";
import { systemClock } from "../../src/clock.ts";
import type { Keyring } from "../../src/crypto/encryption.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { DB, User } from "../../src/db/schema.ts";
import { TEST_PASSWORD } from "./context.ts";

/**
 * A user whose second factor is already active, made with the domain functions on the real clock
 * (for servers in other processes that share the database): the app's secret, or SMS to `phone`.
 */
export async function createEnrolledUser(
  db: Kysely<DB>,
  keyring: Keyring,
  input: { email: string; method: "totp" } | { email: string; method: "sms"; phone: string },
): Promise<{ user: User; secret: Buffer | null }> {
  const deps = { clock: systemClock, random: cryptoRandom, keyring };
  const created = await createUser(db, deps, { email: input.email, displayName: input.email.split("@")[0]!, role: "client", password: TEST_PASSWORD });
  if (!created.ok) throw new Error(`createUser failed: ${created.error}`);
  const { user } = created;
  const { session } = await createSession(db, deps, user.id, { stage: "pending", meta: { ip: "127.0.0.1", userAgent: "test set-up" } });
  let secret: Buffer | null = null;
  let factor;
  if (input.method === "totp") ({ factor, secret } = await startTotpSetup(db, deps, user.id, session.id));
  else factor = await startSmsSetup(db, deps, user.id, session.id, input.phone);
  const activated = await db.transaction().execute((trx) => activateFactor(trx, factor, systemClock.nowMs(), null));
  if (!activated) throw new Error("activateFactor failed");
  await deleteSession(db, session.id);
  return { user, secret };
}
