import { describe, expect, test } from "vitest";
import { parseConfig } from "../../src/config/config.ts";

const parse = (env: Record<string, string>) => parseConfig({ SECRET_KEY: Buffer.alloc(32, 1).toString("base64"), ...env }, { cwd: "/tmp", fallbackSecretKey: null });

describe("SIGN_IN_MAX_WAIT_MS", () => {
  test("defaults to 2 s (PORTAL.md §7) and takes whole milliseconds from 100 up", () => {
    expect(parse({}).signInMaxWaitMs).toBe(2000);
    expect(parse({ SIGN_IN_MAX_WAIT_MS: "5000" }).signInMaxWaitMs).toBe(5000);
    expect(() => parse({ SIGN_IN_MAX_WAIT_MS: "50" })).toThrow("SIGN_IN_MAX_WAIT_MS: must be at least 100");
    expect(() => parse({ SIGN_IN_MAX_WAIT_MS: "1.5" })).toThrow("SIGN_IN_MAX_WAIT_MS: must be a whole number");
    expect(() => parse({ SIGN_IN_MAX_WAIT_MS: "soon" })).toThrow("SIGN_IN_MAX_WAIT_MS: must be a number");
  });
});
