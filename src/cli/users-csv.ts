import { CsvError, type InfoRecord, parse } from "csv-parse/sync";
import { EMAIL_MAX_LENGTH, normalizeEmail, parseEmail } from "../auth/email.ts";
import { DISPLAY_NAME_MAX_LENGTH, isRole, parseDisplayName, ROLES } from "../auth/user.ts";
import type { Role } from "../db/schema.ts";
import { CliError } from "./io.ts";

/** Refused up front, before anything is invited: larger lists go in several files. */
export const IMPORT_MAX_BYTES = 10 * 1024 * 1024;
export const IMPORT_MAX_ROWS = 50_000;

/** A problem with the whole file (not one line): nothing is invited, exit code 2 as for a usage error. */
const FILE_ERROR_EXIT_CODE = 2;
const COLUMNS = ["email", "name", "role"] as const;
type Column = (typeof COLUMNS)[number];

export interface ImportRow {
  /** The file's line the record starts on (1 is the header). */
  line: number;
  email: string;
  name: string;
  role: Role;
}

export interface LineFailure {
  line: number;
  reason: string;
}

export interface ImportPlan {
  rows: ImportRow[];
  failures: LineFailure[];
}

function fileError(message: string): CliError {
  return new CliError(message, FILE_ERROR_EXIT_CODE);
}

/** Column names to their positions; any order, any case. Throws unless it is email,name or email,name,role. */
function readHeader(header: string[]): Map<Column, number> {
  const expected = "the first line must name the columns: email,name or email,name,role (any order)";
  const positions = new Map<Column, number>();
  header.forEach((cell, index) => {
    const name = cell.trim().toLowerCase();
    if (!(COLUMNS as readonly string[]).includes(name)) throw fileError(`unknown column "${name.slice(0, 40)}": ${expected}`);
    if (positions.has(name as Column)) throw fileError(`the column "${name}" appears twice: ${expected}`);
    positions.set(name as Column, index);
  });
  if (!positions.has("email") || !positions.has("name")) throw fileError(`missing column "${positions.has("email") ? "name" : "email"}": ${expected}`);
  return positions;
}

/** Why one record cannot be invited, or the row to invite. */
function checkRecord(record: string[], columns: Map<Column, number>, line: number): ImportRow | string {
  if (record.length !== columns.size) return `expected ${columns.size} fields, found ${record.length}`;
  const cell = (column: Column) => (columns.has(column) ? record[columns.get(column)!]!.trim() : "");
  const rawEmail = cell("email");
  if (!rawEmail) return "the e-mail address is missing";
  if (rawEmail.length > EMAIL_MAX_LENGTH) return `the e-mail address is longer than ${EMAIL_MAX_LENGTH} characters`;
  const email = parseEmail(rawEmail);
  if (!email) return "the e-mail address is not valid";
  const rawName = cell("name");
  if (!rawName) return "the name is missing";
  if (rawName.length > DISPLAY_NAME_MAX_LENGTH) return `the name is longer than ${DISPLAY_NAME_MAX_LENGTH} characters`;
  const name = parseDisplayName(rawName);
  if (!name) return "the name must not contain control characters";
  const role = cell("role").toLowerCase() || "client";
  if (!isRole(role)) return `the role must be one of ${ROLES.join(", ")}`;
  return { line, email, name, role };
}

/**
 * Counts the file's lines as records come, from csv-parse's byte offset of each record's end: the
 * line a record starts on is the one it ends on, less the line breaks inside its quoted fields.
 */
function lineCounter(file: Buffer): (endOffset: number, record: string[]) => number {
  let scanned = 0;
  let breaks = 0;
  return (endOffset, record) => {
    for (; scanned < endOffset; scanned++) if (file[scanned] === 0x0a) breaks++;
    const endsWithBreak = endOffset > 0 && file[endOffset - 1] === 0x0a;
    const endLine = breaks + 1 - (endsWithBreak ? 1 : 0);
    return endLine - record.reduce((n, field) => n + field.split("\n").length - 1, 0);
  };
}

function parseRecords(file: Buffer): { record: string[]; line: number }[] {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(file);
  } catch {
    throw fileError("the file is not UTF-8 text (save it as CSV UTF-8)");
  }
  const lineOf = lineCounter(file);
  try {
    const options = { bom: true, info: true, relax_column_count: true, relax_quotes: true, skip_empty_lines: true, skip_records_with_empty_values: true };
    const parsed = parse(file, options) as unknown as { record: string[]; info: InfoRecord }[];
    return parsed.map(({ record, info }) => ({ record, line: lineOf(info.bytes, record) }));
  } catch (error) {
    // A broken quote leaves every later line in doubt: refuse the file rather than guess.
    if (error instanceof CsvError) throw fileError(`line ${typeof error.lines === "number" ? error.lines : "?"}: not valid CSV (${error.message.split(":")[0]}); nothing was imported`);
    throw error;
  }
}

/**
 * Reads an import file: a header (email,name[,role]; any order and case; a UTF-8 BOM is fine) and one
 * user a line. Each line becomes a row to invite or a failure with its line number; a problem with the
 * whole file (empty, no header, wrong columns, not CSV, too big) throws a CliError with exit code 2.
 */
export function planUserImport(file: Buffer): ImportPlan {
  if (file.length > IMPORT_MAX_BYTES) throw fileError(`the file is larger than ${IMPORT_MAX_BYTES / 1024 / 1024} MiB; split it into smaller files`);
  const [header, ...records] = parseRecords(file);
  if (!header) throw fileError("the file is empty: the first line must name the columns email,name or email,name,role");
  const columns = readHeader(header.record);
  if (records.length > IMPORT_MAX_ROWS) throw fileError(`the file has ${records.length} users, more than ${IMPORT_MAX_ROWS}; split it into smaller files`);
  const plan: ImportPlan = { rows: [], failures: [] };
  const firstLineOf = new Map<string, number>();
  for (const { record, line } of records) {
    const checked = checkRecord(record, columns, line);
    if (typeof checked === "string") {
      plan.failures.push({ line, reason: checked });
      continue;
    }
    const key = normalizeEmail(checked.email);
    const earlier = firstLineOf.get(key);
    if (earlier !== undefined) {
      plan.failures.push({ line, reason: `the e-mail address is already on line ${earlier}` });
      continue;
    }
    firstLineOf.set(key, line);
    plan.rows.push(checked);
  }
  return plan;
}
