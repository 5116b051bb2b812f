import type { Command } from "commander";
import { type BackupError, backupSqlite } from "../../db/backup.ts";
import { CliError } from "../io.ts";
import { describeTarget, loadCliConfig } from "../open.ts";

/** Not something this command can do: exit code 2, as for a usage error. */
const WRONG_DATABASE_EXIT_CODE = 2;

const BACKUP_ERRORS: Record<BackupError, string> = {
  source_missing: "there is no database file yet (start the portal or run `gatehouse migrate` first)",
  same_file: "--to names the live database itself; choose another file",
  destination_exists: "the file already exists; choose another name, or add --force to replace it",
  destination_dir_missing: "the directory of --to does not exist",
};

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let value = bytes / 1024;
  let unit = 0;
  for (; value >= 1024 && unit < units.length - 1; unit++) value /= 1024;
  return `${value.toFixed(1)} ${units[unit]}`;
}

export function registerBackup(program: Command): void {
  program
    .command("backup")
    .description("write a consistent copy of the embedded SQLite database, also while the portal runs (PostgreSQL: pg_dump, docs/deploy.md)")
    .requiredOption("--to <file>", "the file to write (mode 0600: it holds password hashes and sealed keys)")
    .option("--force", "replace the file if it exists")
    .action(async (options: { to: string; force?: boolean }) => {
      const config = loadCliConfig();
      if (config.database.dialect === "postgres") {
        throw new CliError(
          'the database is PostgreSQL: back it up with pg_dump --format=custom --file=FILE "$DATABASE_URL" (docs/deploy.md, "Backup and restore"), and keep SECRET_KEY apart from it',
          WRONG_DATABASE_EXIT_CODE,
        );
      }
      if (config.database.path === ":memory:") throw new CliError("an in-memory database has nothing to back up", WRONG_DATABASE_EXIT_CODE);
      const result = await backupSqlite(config.database.path, options.to, { overwrite: options.force === true });
      if (!result.ok) throw new CliError(`backup: ${BACKUP_ERRORS[result.error]}`);
      process.stdout.write(`Backed up ${describeTarget(config)} to ${result.path} (${formatBytes(result.bytes)}).\n`);
      process.stdout.write("Keep SECRET_KEY (or data/secret_key) too, apart from the copy: without it the authenticator keys in it cannot be read.\n");
    });
}
