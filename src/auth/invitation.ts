import type { CoreDeps } from "./deps.ts";
import type { Kysely } from "kysely";
import type { DB, User } from "../db/schema.ts";
import { recordAuditEvent } from "./audit.ts";
import { createOneTimeLink, INVITE_TTL_MS } from "./one-time-link.ts";
import { queueMail } from "./outgoing-mail.ts";
import type { SessionMeta } from "./session.ts";
import { type CreateUserError, findUserByEmail, insertUser, prepareUser } from "./user.ts";

export type InvitationDeps = CoreDeps & { publicUrl: URL; portalName: string };

/** Who invites: an administrator in the console, or whoever runs `gatehouse users create`. */
export type Inviter = { kind: "console"; agentId: string; meta: SessionMeta } | { kind: "cli" };

export interface InvitationInput {
  inviter: Inviter;
  email: string;
  displayName: string;
  role: string;
}

/** The link is shown once (console) or printed (CLI) as well as e-mailed: only its hash is stored. */
export type InviteResult = { ok: true; user: User; token: string; inviteUrl: string } | { ok: false; error: CreateUserError };

class DuplicateEmail extends Error {}

/**
 * A new user without a password, the audit event, their invitation link (72 hours, once) and the
 * e-mail carrying it: all in one transaction, so there is never a user nobody was told about.
 */
export async function createInvitedUser(db: Kysely<DB>, deps: InvitationDeps, input: InvitationInput): Promise<InviteResult> {
  const prepared = await prepareUser(deps, { email: input.email, displayName: input.displayName, role: input.role, password: null });
  if (!prepared.ok) return prepared;
  if (await findUserByEmail(db, prepared.user.email)) return { ok: false, error: "duplicate_email" };
  const { user } = prepared;
  const { inviter } = input;
  try {
    return await db.transaction().execute(async (trx) => {
      // A unique violation aborts a PostgreSQL transaction: roll it back rather than go on in it.
      if (!(await insertUser(trx, user)).ok) throw new DuplicateEmail();
      await recordAuditEvent(trx, deps, {
        type: "user.created",
        actorUserId: inviter.kind === "console" ? inviter.agentId : null,
        subjectUserId: user.id,
        ip: inviter.kind === "console" ? inviter.meta.ip : null,
        userAgent: inviter.kind === "console" ? inviter.meta.userAgent : null,
        detail: { role: user.role, via: inviter.kind },
      });
      const { token, inviteUrl } = await sendInvitationLink(trx, deps, user);
      return { ok: true as const, user, token, inviteUrl };
    });
  } catch (error) {
    if (error instanceof DuplicateEmail) return { ok: false, error: "duplicate_email" };
    throw error;
  }
}

/** A new invitation link (72 hours, once) and the e-mail carrying it: run it in the caller's transaction. */
export async function sendInvitationLink(db: Kysely<DB>, deps: InvitationDeps, user: Pick<User, "id" | "email" | "display_name">): Promise<{ token: string; inviteUrl: string }> {
  const token = await createOneTimeLink(db, deps, "invite", user.id, INVITE_TTL_MS);
  const inviteUrl = new URL(`/invite/${token}`, deps.publicUrl).href;
  await queueMail(db, deps, { userId: user.id, to: user.email, ...invitationText({ name: user.display_name, portalName: deps.portalName, inviteUrl }) });
  return { token, inviteUrl };
}

export function invitationText(o: { name: string; portalName: string; inviteUrl: string }): { subject: string; body: string } {
  return {
    subject: `${o.portalName}: your invitation`,
    body: [
      `Hello ${o.name},`,
      "",
      `You have been invited to ${o.portalName}. To choose your password, open this link within 72 hours. It works once:`,
      "",
      o.inviteUrl,
      "",
      "Right after that you will set up two-factor sign-in, with an authenticator app or SMS codes.",
      "If the link has expired or was already used, ask your administrator for a new invitation.",
      "",
      `— ${o.portalName}`,
    ].join("\n"),
  };
}
