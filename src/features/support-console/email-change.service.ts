import type { CoreDeps } from "../../auth/deps.ts";
import type { Kysely } from "kysely";
import { isUniqueViolation } from "../../db/errors.ts";
import type { DB } from "../../db/schema.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { normalizeEmail, parseEmail } from "../../auth/email.ts";
import { deleteUnusedLinks } from "../../auth/one-time-link.ts";
import { queueMail } from "../../auth/outgoing-mail.ts";
import { findUserByEmail } from "../../auth/user.ts";
import type { AdminChange } from "./user-admin.service.ts";

type Deps = CoreDeps & { portalName: string; supportContact: string };

export type EmailChangeResult = "changed" | "unchanged" | "invalid_email" | "duplicate_email";

class DuplicateEmail extends Error {}

/**
 * An administrator changes the address a user signs in with (users cannot: the address is where
 * password-reset links go). Sessions stay; reset links already sent to the old address end. The audit
 * event queues the security notice, which goes to the new address; the old one gets a short notice
 * without links or the new address, since it may no longer be the user's. Compare-and-set on the old
 * address, one transaction.
 */
export async function changeUserEmail(db: Kysely<DB>, deps: Deps, change: AdminChange & { email: string }): Promise<EmailChangeResult> {
  const email = parseEmail(change.email);
  if (!email) return "invalid_email";
  const holder = await findUserByEmail(db, email);
  if (holder && holder.id !== change.userId) return "duplicate_email";
  try {
    return await db.transaction().execute(async (trx) => {
      const current = await trx.selectFrom("users").select(["email", "display_name"]).where("id", "=", change.userId).executeTakeFirst();
      if (!current || current.email === email) return "unchanged";
      const updated = await trx
        .updateTable("users")
        .set({ email, email_normalized: normalizeEmail(email) })
        .where("id", "=", change.userId)
        .where("email", "=", current.email)
        .executeTakeFirst()
        .catch((error: unknown) => {
          // A unique violation aborts a PostgreSQL transaction: roll it back rather than go on in it.
          throw isUniqueViolation(error) ? new DuplicateEmail() : error;
        });
      if (Number(updated.numUpdatedRows) !== 1) return "unchanged";
      // Reset links already mailed to the old address die: that address may no longer be the user's.
      await deleteUnusedLinks(trx, "password_reset", change.userId);
      await recordAuditEvent(trx, deps, {
        type: "user.email_changed",
        actorUserId: change.agentId,
        subjectUserId: change.userId,
        ip: change.meta.ip,
        userAgent: change.meta.userAgent,
        detail: { via: "console", from: current.email, to: email },
      });
      await queueMail(trx, deps, { userId: change.userId, to: current.email, ...oldAddressNotice({ name: current.display_name, ...deps }) });
      return "changed";
    });
  } catch (error) {
    if (error instanceof DuplicateEmail) return "duplicate_email";
    throw error;
  }
}

function oldAddressNotice(o: { name: string; portalName: string; supportContact: string }): { subject: string; body: string } {
  return {
    subject: `${o.portalName}: your e-mail address was changed`,
    body: [
      `Hello ${o.name},`,
      "",
      `An administrator changed the e-mail address of your ${o.portalName} account. This address no longer signs in to it and will not receive messages about it.`,
      "",
      `If you did not expect this, contact ${o.supportContact}.`,
      "",
      `— ${o.portalName}`,
    ].join("\n"),
  };
}
