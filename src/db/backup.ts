import { randomBytes } from "node:crypto";
import { chmod, link, open, realpath, rename, rm, stat, unlink } from "node:fs/promises";
import { resolve } from "node:path";
import SqliteDatabase from "better-sqlite3";

export type BackupError = "source_missing" | "same_file" | "destination_exists" | "destination_dir_missing";
export type BackupResult = { ok: true; path: string; bytes: number } | { ok: false; error: BackupError };

/**
 * Pages per backup step: all of them. One step reads in one transaction, so the copy is the database
 * at one moment; in WAL mode that read blocks no writer. (With SQLite's usual 100 pages a step, each
 * write from another connection between two steps restarts the copy: measured, a 13 MiB database under
 * steady writes took 1,117 steps and 137 restarts; heavier writing can keep it from ever finishing.)
 */
const ALL_PAGES = 0x7fffffff;
/** The copy holds password hashes and sealed second-factor keys: its owner only. */
const BACKUP_FILE_MODE = 0o600;

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Whether `destination` is the live database or one of its side files (it must never be replaced). */
async function isPartOfSource(source: string, destination: string): Promise<boolean> {
  const liveFiles = ["", "-wal", "-shm", "-journal"].map((suffix) => source + suffix);
  if (liveFiles.includes(destination)) return true;
  const real = await realpath(destination).catch(() => null);
  return real !== null && liveFiles.includes(real);
}

/** Checks the finished copy and makes it one self-contained file (rollback journal, no -wal beside it). */
function sealCopy(path: string): void {
  const copy = new SqliteDatabase(path, { fileMustExist: true });
  try {
    copy.pragma("journal_mode = DELETE");
    const check = copy.pragma("quick_check", { simple: true });
    if (check !== "ok") throw new Error(`the copy failed SQLite's quick_check: ${String(check)}`);
  } finally {
    copy.close();
  }
}

/** Puts the finished copy in place; without `overwrite`, an existing file is never replaced (link fails on it). */
async function moveIntoPlace(temporary: string, destination: string, overwrite: boolean): Promise<boolean> {
  if (overwrite) {
    await rename(temporary, destination);
    return true;
  }
  try {
    await link(temporary, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return false;
    // A file system without hard links: the check and the rename are then two steps.
    if (await exists(destination)) return false;
    await rename(temporary, destination);
    return true;
  }
  await unlink(temporary);
  return true;
}

/**
 * Copies a SQLite database with SQLite's online backup API, also while the portal writes to it: into a
 * temporary file beside the destination (mode 0600), checked, then renamed into place, so a failed or
 * interrupted backup never leaves a half-written file under the destination's name.
 */
export async function backupSqlite(sourcePath: string, destinationPath: string, options: { overwrite: boolean }): Promise<BackupResult> {
  const source = resolve(sourcePath);
  const destination = resolve(destinationPath);
  if (!(await exists(source))) return { ok: false, error: "source_missing" };
  if (await isPartOfSource(await realpath(source), destination)) return { ok: false, error: "same_file" };
  if (!options.overwrite && (await exists(destination))) return { ok: false, error: "destination_exists" };

  const temporary = `${destination}.partial-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    await (await open(temporary, "wx", BACKUP_FILE_MODE)).close();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { ok: false, error: "destination_dir_missing" };
    throw error;
  }
  try {
    await chmod(temporary, BACKUP_FILE_MODE); // whatever the umask
    const database = new SqliteDatabase(source, { fileMustExist: true });
    try {
      database.pragma("busy_timeout = 5000");
      await database.backup(temporary, { progress: () => ALL_PAGES });
    } finally {
      database.close();
    }
    sealCopy(temporary);
    if (!(await moveIntoPlace(temporary, destination, options.overwrite))) return { ok: false, error: "destination_exists" };
    return { ok: true, path: destination, bytes: (await stat(destination)).size };
  } finally {
    await Promise.all(["", "-journal", "-wal", "-shm"].map((suffix) => rm(temporary + suffix, { force: true })));
  }
}
