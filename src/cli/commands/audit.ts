import { once } from "node:events";
import type { Command } from "commander";
import { readAuditLog } from "../../auth/audit-export.ts";
import { AUDIT_EXPORT_FORMATS, type AuditExportFormat, CSV_HEADER, formatAuditEvent, parseSince } from "../audit-format.ts";
import { CliError } from "../io.ts";
import { openMigratedCli } from "../open.ts";

/** A bad option value: exit code 2, as for a usage error. */
const USAGE_EXIT_CODE = 2;

/** Standard output closed by its reader (`… | head`): stop quietly, as other commands in a pipe do. */
class OutputClosed extends Error {}

/** Writes to standard output, waiting while the reader is behind (one page of lines in memory at most). */
function stdoutWriter(): (text: string) => Promise<void> {
  let closed = false;
  const whenClosed = new Promise<void>((resolve) => {
    process.stdout.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      closed = true;
      resolve();
    });
  });
  return async (text) => {
    if (!closed && !process.stdout.write(text)) await Promise.race([once(process.stdout, "drain"), whenClosed]);
    if (closed) throw new OutputClosed();
  };
}

export function registerAudit(program: Command): void {
  const audit = program.command("audit").description("the audit log");

  audit
    .command("export")
    .description("write the audit log to standard output, oldest first: time, type, actor, subject, ip, user agent, detail")
    .option("--since <date>", "only events at or after this ISO 8601 date (2026-01-31) or date-time (2026-01-31T09:30:00Z; UTC unless it names an offset)")
    .option("--format <format>", `${AUDIT_EXPORT_FORMATS.join(" or ")}`, "jsonl")
    .action(async (options: { since?: string; format: string }) => {
      const sinceMs = options.since === undefined ? 0 : parseSince(options.since);
      if (sinceMs === null) throw new CliError(`--since must be an ISO 8601 date or date-time, e.g. 2026-01-31 or 2026-01-31T09:30:00Z (got "${options.since!.slice(0, 40)}")`, USAGE_EXIT_CODE);
      const format = options.format.toLowerCase();
      if (!(AUDIT_EXPORT_FORMATS as readonly string[]).includes(format)) throw new CliError(`--format must be ${AUDIT_EXPORT_FORMATS.join(" or ")}`, USAGE_EXIT_CODE);
      const { database } = await openMigratedCli();
      const write = stdoutWriter();
      try {
        if (format === "csv") await write(CSV_HEADER);
        for await (const page of readAuditLog(database.db, sinceMs)) {
          await write(page.map((event) => formatAuditEvent(event, format as AuditExportFormat)).join(""));
        }
      } catch (error) {
        if (!(error instanceof OutputClosed)) throw error;
      } finally {
        await database.close();
      }
    });
}
