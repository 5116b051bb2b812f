import { describe, expect, test } from "vitest";
import { formatDevLogLine, frameDevMessage } from "../../src/http/logging/dev-log.ts";

describe("development log lines", () => {
  test("formatDevLogLine() turns a request record into one short line", () => {
    const record = { level: 30, time: Date.UTC(2026, 10, 29, 9, 0, 1), req: { method: "GET", url: "/login" }, res: { statusCode: 200 }, responseTime: 12.4, msg: "request completed" };
    expect(formatDevLogLine(JSON.stringify(record))).toBe("09:00:01 200 GET /login 12 ms");
  });

  test("formatDevLogLine() keeps the level and message of other records, and passes non-JSON through", () => {
    expect(formatDevLogLine(JSON.stringify({ level: 40, time: Date.UTC(2026, 10, 29, 9, 0, 1), msg: "sms delivery failed" }))).toBe("09:00:01 WARN sms delivery failed");
    expect(formatDevLogLine("[sms] to +447400123456: code")).toBe("[sms] to +447400123456: code");
  });

  test("frameDevMessage() frames a console message and makes codes and links stand out", () => {
    const framed = frameDevMessage("[sms] to +44: Gatehouse: your verification code is 123456. See https://portal.example/x", true);
    expect(framed.split("\n")[0]).toMatch(/^═+$/);
    expect(framed).toContain("\u001b[1m123456\u001b[22m");
    expect(framed).toContain("\u001b[1mhttps://portal.example/x\u001b[22m");
    expect(frameDevMessage("code 123456", false)).not.toContain("\u001b");
  });
});
