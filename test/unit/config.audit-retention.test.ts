import { describe, expect, test } from "vitest";
import { parseConfig } from "../../src/config/config.ts";

const parse = (env: Record<string, string>) => parseConfig({ SECRET_KEY: Buffer.alloc(32, 1).toString("base64"), ...env }, { cwd: "/tmp", fallbackSecretKey: null });

describe("AUDIT_RETENTION_DAYS", () => {
  test("defaults to 400 days (PORTAL.md §7); 0 keeps the audit log forever; whole days up to 100 years", () => {
    expect(parse({}).auditRetentionDays).toBe(400);
    expect(parse({ AUDIT_RETENTION_DAYS: " 2555 " }).auditRetentionDays).toBe(2555);
    expect(parse({ AUDIT_RETENTION_DAYS: "0" }).auditRetentionDays).toBe(0);
    expect(parse({ AUDIT_RETENTION_DAYS: "1" }).auditRetentionDays).toBe(1);
  });

  test("anything else stops start-up with one line naming the variable", () => {
    expect(() => parse({ AUDIT_RETENTION_DAYS: "-1" })).toThrow("AUDIT_RETENTION_DAYS: must be 0 (keep forever) or more");
    expect(() => parse({ AUDIT_RETENTION_DAYS: "1.5" })).toThrow("AUDIT_RETENTION_DAYS: must be a whole number of days");
    expect(() => parse({ AUDIT_RETENTION_DAYS: "a year" })).toThrow("AUDIT_RETENTION_DAYS: must be a number");
    expect(() => parse({ AUDIT_RETENTION_DAYS: "36501" })).toThrow("AUDIT_RETENTION_DAYS: must be at most 36500");
  });
});
