import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { type Config, ConfigError, parseConfig } from "../../src/config/config.ts";
import { loadConfig } from "../../src/config/load.ts";

const CWD = resolve("/srv/gatehouse");
const KEY_A = randomBytes(32).toString("base64");
const KEY_B = randomBytes(32).toString("base64");

function parse(env: Record<string, string | undefined>): Config {
  return parseConfig(env, { cwd: CWD, fallbackSecretKey: KEY_A });
}

/** The ConfigError a call throws; fails the test when it throws anything else or nothing. */
function configErrorFrom(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError, but nothing was thrown");
}

describe("parseConfig()", () => {
  test("defaults: port 3000, SQLite under ./data resolved against cwd, console SMS, portal name Gatehouse", () => {
    const config = parse({});
    expect(config.port).toBe(3000);
    expect(config.host).toBe("localhost");
    expect(config.publicUrl.href).toBe("http://localhost:3000/");
    expect(config.secureCookies).toBe(false);
    expect(config.database).toEqual({ dialect: "sqlite", path: join(CWD, "data", "gatehouse.db") });
    expect(config.sms).toEqual({ provider: "console" });
    expect(config.smtpUrl).toBeNull();
    expect(config.portalName).toBe("Gatehouse");
    expect(config.secretKeys).toEqual([{ id: "k1", key: Buffer.from(KEY_A, "base64") }]);
  });

  const malformed: { label: string; variable: string; env: Record<string, string> }[] = [
    { label: "PORT=abc", variable: "PORT", env: { PORT: "abc" } },
    { label: "PORT=70000", variable: "PORT", env: { PORT: "70000" } },
    { label: "DATABASE_URL=mysql://x", variable: "DATABASE_URL", env: { DATABASE_URL: "mysql://x" } },
    { label: "DATABASE_URL=sqlite: (empty path)", variable: "DATABASE_URL", env: { DATABASE_URL: "sqlite:" } },
    { label: "SECRET_KEY not base64", variable: "SECRET_KEY", env: { SECRET_KEY: "not base64!" } },
    { label: "SECRET_KEY of 16 bytes", variable: "SECRET_KEY", env: { SECRET_KEY: randomBytes(16).toString("base64") } },
    { label: "SECRET_KEY with a duplicate key id", variable: "SECRET_KEY", env: { SECRET_KEY: `a:${KEY_A},a:${KEY_B}` } },
    { label: "SMS_PROVIDER=carrier-pigeon", variable: "SMS_PROVIDER", env: { SMS_PROVIDER: "carrier-pigeon" } },
    {
      label: "SMS_PROVIDER=twilio without TWILIO_ACCOUNT_SID",
      variable: "TWILIO_ACCOUNT_SID",
      env: { SMS_PROVIDER: "twilio", TWILIO_AUTH_TOKEN: "token", TWILIO_FROM: "+15005550006" },
    },
    { label: "PUBLIC_URL=ftp://x", variable: "PUBLIC_URL", env: { PUBLIC_URL: "ftp://x" } },
    { label: "SMTP_URL=http://x", variable: "SMTP_URL", env: { SMTP_URL: "http://x" } },
  ];

  test.each(malformed)("$label throws a ConfigError whose message starts with $variable", ({ variable, env }) => {
    const error = configErrorFrom(() => parse(env));
    expect(error.variable).toBe(variable);
    expect(error.message.startsWith(`${variable}: `)).toBe(true);
  });

  test("a 16-byte SECRET_KEY is refused, saying how many bytes it decoded to", () => {
    const error = configErrorFrom(() => parse({ SECRET_KEY: randomBytes(16).toString("base64") }));
    expect(error.message).toMatch(/32 bytes, got 16/);
  });

  test("an https PUBLIC_URL makes cookies Secure; http does not", () => {
    expect(parse({ PUBLIC_URL: "https://portal.example.com" }).secureCookies).toBe(true);
    expect(parse({ PUBLIC_URL: "http://portal.example.com" }).secureCookies).toBe(false);
  });

  test("the default PUBLIC_URL follows PORT", () => {
    expect(parse({ PORT: "8080" }).publicUrl.href).toBe("http://localhost:8080/");
  });

  test('a versioned SECRET_KEY "a:<b64>,b:<b64>" gives two keys with ids a, b in order', () => {
    const config = parse({ SECRET_KEY: `a:${KEY_A}, b:${KEY_B}` });
    expect(config.secretKeys.map((k) => k.id)).toEqual(["a", "b"]);
    expect(config.secretKeys[0]?.key.equals(Buffer.from(KEY_A, "base64"))).toBe(true);
    expect(config.secretKeys[1]?.key.equals(Buffer.from(KEY_B, "base64"))).toBe(true);
  });

  test("a set SECRET_KEY wins over the generated fallback", () => {
    expect(parse({ SECRET_KEY: KEY_B }).secretKeys[0]?.key.equals(Buffer.from(KEY_B, "base64"))).toBe(true);
  });

  test("the returned configuration is frozen", () => {
    const config = parse({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.secretKeys)).toBe(true);
    expect(() => {
      (config as { port: number }).port = 1;
    }).toThrow(TypeError);
  });
});

describe("loadConfig()", () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-config-"));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test("on the default SQLite database without SECRET_KEY, generates data/secret_key (mode 0600) once and reuses it", () => {
    const first = loadConfig(dir, {});
    const keyFile = join(dir, "data", "secret_key");
    expect(existsSync(keyFile)).toBe(true);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const stored = Buffer.from(readFileSync(keyFile, "utf8").trim(), "base64");
    expect(stored).toHaveLength(32);
    expect(first.database).toEqual({ dialect: "sqlite", path: join(dir, "data", "gatehouse.db") });
    expect(first.secretKeys.map((k) => k.key)).toEqual([stored]);

    const second = loadConfig(dir, {});
    expect(second.secretKeys.map((k) => k.key)).toEqual([stored]);
  });

  test("with a PostgreSQL DATABASE_URL and no SECRET_KEY, refuses naming SECRET_KEY and writes no key file", () => {
    const error = configErrorFrom(() => loadConfig(dir, { DATABASE_URL: "postgres://gatehouse@db.example.com/gatehouse" }));
    expect(error.variable).toBe("SECRET_KEY");
    expect(error.message.startsWith("SECRET_KEY: ")).toBe(true);
    expect(existsSync(join(dir, "data"))).toBe(false);
  });

  test("reads a .env file in the directory, and the real environment wins over it", () => {
    writeFileSync(join(dir, ".env"), `PORT=4000\nPORTAL_NAME=Dotenv Portal\nSECRET_KEY=${KEY_A}\n`);
    const config = loadConfig(dir, { PORT: "5000" });
    expect(config.port).toBe(5000);
    expect(config.portalName).toBe("Dotenv Portal");
    expect(config.secretKeys[0]?.key.equals(Buffer.from(KEY_A, "base64"))).toBe(true);
    // SECRET_KEY came from .env, so no key was generated.
    expect(existsSync(join(dir, "data", "secret_key"))).toBe(false);
  });
});
