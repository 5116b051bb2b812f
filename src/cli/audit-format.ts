import type { ExportedAuditEvent } from "../auth/audit-export.ts";

export const AUDIT_EXPORT_FORMATS = ["jsonl", "csv"] as const;
export type AuditExportFormat = (typeof AUDIT_EXPORT_FORMATS)[number];

export const CSV_HEADER = "time,type,actor,subject,ip,user_agent,detail\r\n";

/**
 * A CSV cell (RFC 4180): quoted when it holds a comma, quote or line break, quotes doubled. A cell a
 * spreadsheet would run as a formula (starting with = + - @, a tab or a carriage return) gets a leading
 * single quote first (OWASP, "CSV Injection"): user agents and names are chosen by whoever signs in.
 */
export function csvCell(value: string | null): string {
  let text = value ?? "";
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function cells(event: ExportedAuditEvent): (string | null)[] {
  return [new Date(event.atMs).toISOString(), event.type, event.actor, event.subject, event.ip, event.userAgent, event.detail ? JSON.stringify(event.detail) : null];
}

/** One event as one line of the format (CSV lines end in CRLF, JSON lines in LF). */
export function formatAuditEvent(event: ExportedAuditEvent, format: AuditExportFormat): string {
  if (format === "csv") return `${cells(event).map(csvCell).join(",")}\r\n`;
  const [time, type, actor, subject, ip, userAgent] = cells(event);
  return `${JSON.stringify({ time, type, actor, subject, ip, user_agent: userAgent, detail: event.detail })}\n`;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;

/**
 * `--since`: an ISO 8601 date (2026-01-31, midnight UTC) or date-time (2026-01-31T09:30, 2026-01-31T09:30:00Z,
 * 2026-01-31T09:30:00+01:00; UTC when it names no offset), as epoch milliseconds; null when it is neither
 * or names a day that does not exist (2026-02-30).
 */
export function parseSince(text: string): number | null {
  const match = ISO_DATE.exec(text.trim());
  if (!match) return null;
  const [, year, month, day, hour = "00", minute = "00", second = "00", fraction = "", zone = "Z"] = match;
  const wallMs = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Math.round(Number(`0${fraction}`) * 1000));
  const wall = new Date(wallMs);
  // Date.UTC rolls 2026-02-30 over into March and 24:00 into the next day: refuse rather than guess.
  if (wall.getUTCFullYear() !== Number(year) || wall.getUTCMonth() !== Number(month) - 1 || wall.getUTCDate() !== Number(day) || wall.getUTCHours() !== Number(hour) || wall.getUTCMinutes() !== Number(minute) || wall.getUTCSeconds() !== Number(second)) return null;
  if (zone === "Z") return wallMs;
  const [zoneHours, zoneMinutes] = zone.slice(1).split(":").map(Number) as [number, number];
  if (zoneHours > 14 || zoneMinutes > 59) return null;
  const offsetMs = (zoneHours * 60 + zoneMinutes) * 60_000 * (zone.startsWith("-") ? -1 : 1);
  return wallMs - offsetMs;
}
