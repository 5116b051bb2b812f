import { Writable } from "node:stream";

/**
 * Development only (production keeps pino's JSON lines for the log pipeline): one short line per
 * request ("09:00:01 200 GET /login 12 ms"), other records as "09:00:01 WARN message", so the [sms]
 * and [mail] blocks with their codes and links are not lost among hundreds of JSON lines.
 * A formatter of our own instead of pino-pretty: ~40 lines, no dependency, no worker thread.
 */
const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };

export function formatDevLogLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record.time === "number" ? new Date(record.time).toISOString().slice(11, 19) : "--:--:--";
  const req = record.req as { method?: string; url?: string } | undefined;
  const res = record.res as { statusCode?: number } | undefined;
  if (req && res) {
    const ms = typeof record.responseTime === "number" ? ` ${Math.round(record.responseTime)} ms` : "";
    return `${time} ${res.statusCode ?? "???"} ${req.method ?? ""} ${req.url ?? ""}${ms}`;
  }
  const level = LEVELS[Number(record.level)] ?? "LOG";
  const err = record.err as { message?: string; stack?: string } | undefined;
  return `${time} ${level} ${String(record.msg ?? "")}${err ? `\n${err.stack ?? err.message ?? ""}` : ""}`;
}

/** A stream for pino that writes each JSON record as its short line to `out`. */
export function devLogStream(out: NodeJS.WritableStream): Writable {
  let pending = "";
  return new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      const lines = (pending + chunk.toString()).split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) if (line) out.write(`${formatDevLogLine(line)}\n`);
      done();
    },
  });
}

/** An [sms] or [mail] block from the console senders, framed so it stands out; codes and links on their own. */
export function frameDevMessage(text: string, color: boolean): string {
  const bold = (s: string) => (color ? `\u001b[1m${s}\u001b[22m` : s);
  const marked = text.replace(/\b\d{6}\b|https?:\/\/\S+/g, (match) => bold(match));
  const rule = "═".repeat(72);
  return `${rule}\n${marked}\n${rule}`;
}
