import { Writable } from "node:stream";

export interface LogCapture {
  /** pino options for createTestContext's `logger`: every line, at trace level, into memory. */
  logger: { level: string; stream: Writable };
  /** The raw lines written so far. */
  lines(): string[];
  /** The lines parsed as JSON. */
  records(): Record<string, unknown>[];
}

export function captureLogs(level = "trace"): LogCapture {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () => chunks.join("").split("\n").filter(Boolean);
  return { logger: { level, stream }, lines, records: () => lines().map((line) => JSON.parse(line) as Record<string, unknown>) };
}
