import type { Command } from "commander";
import { systemClock } from "../../clock.ts";
import { recordAuditEvent } from "../../auth/audit.ts";
import { createInvitedUser } from "../../auth/invitation.ts";
import { findActiveFactor } from "../../auth/second-factor.ts";
import { parseResetReason, RESET_REASON_MAX_LENGTH, RESET_REASON_MIN_LENGTH } from "../../auth/support-reset.ts";
import { resetTwoFactor } from "../../auth/two-factor-reset.ts";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "../../auth/password.ts";
import { type CreateUserError, createUser, findUserByEmail, listUsers, ROLES } from "../../auth/user.ts";
import { cryptoRandom } from "../../crypto/random.ts";
import type { User } from "../../db/schema.ts";
import { CliError, readStdin } from "../io.ts";
import { openMigratedCli } from "../open.ts";
import { registerUsersImport } from "./users-import.ts";

const CREATE_ERRORS: Record<CreateUserError, string> = {
  invalid_email: "the email address is not valid",
  duplicate_email: "a user with this email already exists",
  invalid_name: "the name must be 1 to 100 characters",
  invalid_role: `the role must be one of ${ROLES.join(", ")}`,
  too_short: `the password must be at least ${PASSWORD_MIN_LENGTH} characters`,
  too_long: `the password must be at most ${PASSWORD_MAX_LENGTH} characters`,
  too_common: "the password is one of the most commonly used ones; choose another",
};

export function registerUsers(program: Command): void {
  const users = program.command("users").description("manage portal users");

  users
    .command("create")
    .description("create a user; without --password-stdin an invitation link is printed")
    .requiredOption("--email <email>", "the user's email address")
    .requiredOption("--name <name>", "the user's display name")
    .option("--role <role>", `one of ${ROLES.join(", ")}`, "client")
    .option("--password-stdin", "read the password from standard input")
    .action(async (options: { email: string; name: string; role: string; passwordStdin?: boolean }) => {
      const password = options.passwordStdin ? await readStdin() : null;
      const { config, database } = await openMigratedCli();
      const deps = { clock: systemClock, random: cryptoRandom };
      const fields = { email: options.email, displayName: options.name, role: options.role };
      try {
        if (password === null) {
          // The running portal's mail queue sends the e-mail; the link is printed as well, for another way.
          const invited = await createInvitedUser(database.db, { ...deps, publicUrl: config.publicUrl, portalName: config.portalName }, { inviter: { kind: "cli" }, ...fields });
          if (!invited.ok) throw new CliError(CREATE_ERRORS[invited.error]);
          process.stdout.write(`Created ${invited.user.role} ${invited.user.email}.\n`);
          process.stdout.write(`Invitation link (valid 72 hours, works once): ${invited.inviteUrl}\n`);
          process.stdout.write(`The portal e-mails this link to ${invited.user.email}.\n`);
          return;
        }
        const result = await createUser(database.db, deps, { ...fields, password });
        if (!result.ok) throw new CliError(CREATE_ERRORS[result.error]);
        const { user } = result;
        await recordAuditEvent(database.db, deps, { type: "user.created", actorUserId: null, subjectUserId: user.id, detail: { role: user.role, via: "cli" } });
        process.stdout.write(`Created ${user.role} ${user.email}.\n`);
      } finally {
        await database.close();
      }
    });

  users
    .command("reset-2fa")
    .description("remove a user's two-factor methods and end their sessions; they set it up again at the next sign-in")
    .requiredOption("--email <email>", "the user's email address")
    // Checked below rather than by commander, so a missing reason gets the same one-line error as a short one.
    .option("--reason <reason>", `why, for the audit log (${RESET_REASON_MIN_LENGTH} to ${RESET_REASON_MAX_LENGTH} characters)`)
    .action(async (options: { email: string; reason?: string }) => {
      const reason = parseResetReason(options.reason ?? "");
      if (reason === null) throw new CliError(`--reason is required: why the two-factor is reset, ${RESET_REASON_MIN_LENGTH} to ${RESET_REASON_MAX_LENGTH} characters`);
      const { database } = await openMigratedCli();
      const deps = { clock: systemClock, random: cryptoRandom };
      try {
        const user = await findUserByEmail(database.db, options.email);
        if (!user) throw new CliError(`no user with the email ${options.email.trim()}`);
        if (!(await findActiveFactor(database.db, user.id))) throw new CliError(`${user.email} has no two-factor method to reset`);
        await resetTwoFactor(database.db, deps, { userId: user.id, actor: { kind: "cli", reason }, keepSessionId: null, meta: { ip: null, userAgent: null } });
        process.stdout.write(`Reset two-factor sign-in for ${user.email}: their sessions were ended and they set it up again at the next sign-in.\n`);
      } finally {
        await database.close();
      }
    });

  registerUsersImport(users);

  users
    .command("list")
    .description("list users")
    .action(async () => {
      const { database } = await openMigratedCli();
      try {
        process.stdout.write(formatUserTable(await listUsers(database.db)));
      } finally {
        await database.close();
      }
    });
}

export function formatUserTable(users: User[]): string {
  const rows = users.map((u) => [u.email, u.display_name, u.role, u.disabled_at ? "disabled" : u.password_hash ? "active" : "invited", new Date(u.created_at).toISOString().slice(0, 10)]);
  const header = ["EMAIL", "NAME", "ROLE", "STATUS", "CREATED"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `${cells.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd()}\n`;
  return [header, ...rows].map(line).join("");
}
