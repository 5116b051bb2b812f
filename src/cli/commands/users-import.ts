import { open } from "node:fs/promises";
import type { Command } from "commander";
import { systemClock } from "../../clock.ts";
import { createInvitedUser, type InvitationDeps } from "../../auth/invitation.ts";
import { cryptoRandom } from "../../crypto/random.ts";
import type { Kysely } from "kysely";
import type { DB } from "../../db/schema.ts";
import { CliError } from "../io.ts";
import { openMigratedCli } from "../open.ts";
import { IMPORT_MAX_BYTES, type ImportRow, type LineFailure, planUserImport } from "../users-csv.ts";

export function registerUsersImport(users: Command): void {
  users
    .command("import")
    .description("invite every new address in a CSV file (header email,name[,role]); addresses already there are skipped, so it is safe to run again")
    .requiredOption("--csv <file>", "the CSV file (UTF-8, at most 10 MiB and 50,000 users)")
    .action(async (options: { csv: string }) => {
      // The whole file is checked before the database is touched: a wrong file invites nobody.
      const plan = planUserImport(await readAtMost(options.csv, IMPORT_MAX_BYTES));
      const { config, database } = await openMigratedCli();
      try {
        const deps = { clock: systemClock, random: cryptoRandom, publicUrl: config.publicUrl, portalName: config.portalName };
        const outcome = await inviteRows(database.db, deps, plan.rows);
        const failures = [...plan.failures, ...outcome.failures].sort((a, b) => a.line - b.line);
        process.stdout.write(`Invited ${outcome.invited}, skipped ${outcome.skipped} (already exist), failed ${failures.length}\n`);
        for (const failure of failures) process.stdout.write(`line ${failure.line}: ${failure.reason}\n`);
        if (outcome.stopped) throw new CliError(`stopped at line ${outcome.stopped.line}: ${outcome.stopped.reason}; run the same command again to go on (addresses already invited are skipped)`);
        if (failures.length > 0) throw new CliError(`${failures.length} line(s) not imported; correct them and run the same command again (addresses already invited are skipped)`);
      } finally {
        await database.close();
      }
    });
}

interface InviteOutcome {
  invited: number;
  skipped: number;
  failures: LineFailure[];
  /** The line where a database error stopped the import; the rows before it were done. */
  stopped: LineFailure | null;
}

/**
 * Each row through the same invitation as `users create` (user, audit event, link and the queued
 * e-mail in one transaction): the running portal's mail queue sends them. An address that is already
 * a user, or has a pending invitation, is skipped, so running the same file again invites nobody twice.
 */
async function inviteRows(db: Kysely<DB>, deps: InvitationDeps, rows: ImportRow[]): Promise<InviteOutcome> {
  const outcome: InviteOutcome = { invited: 0, skipped: 0, failures: [], stopped: null };
  for (const row of rows) {
    let result: Awaited<ReturnType<typeof createInvitedUser>>;
    try {
      result = await createInvitedUser(db, deps, { inviter: { kind: "cli" }, email: row.email, displayName: row.name, role: row.role });
    } catch (error) {
      outcome.stopped = { line: row.line, reason: `database error (${error instanceof Error ? error.message.split("\n")[0] : String(error)})` };
      return outcome;
    }
    if (result.ok) outcome.invited += 1;
    else if (result.error === "duplicate_email") outcome.skipped += 1;
    else outcome.failures.push({ line: row.line, reason: `not invited (${result.error})` });
  }
  return outcome;
}

/** The file's bytes, refusing more than `maxBytes` without reading them all (a pipe or device has no size). */
async function readAtMost(path: string, maxBytes: number): Promise<Buffer> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, "r");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : String(code ?? error)}`, 2);
  }
  try {
    if ((await handle.stat()).isDirectory()) throw new CliError(`cannot read ${path}: it is a directory`, 2);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > maxBytes) throw new CliError(`${path} is larger than ${maxBytes / 1024 / 1024} MiB; split it into smaller files`, 2);
    }
    return buffer.subarray(0, length);
  } finally {
    await handle.close();
  }
}
