import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { parse as parseDotenv } from "dotenv";
import { type Config, parseConfig, parseDatabaseUrl } from "./config.ts";
import { dataDirectory } from "./data-dir.ts";

/** Reads `.env` (when present) under the real environment, which wins, as 12-factor apps do. */
export function readEnvironment(cwd: string, env: NodeJS.ProcessEnv = process.env): Record<string, string | undefined> {
  const file = join(cwd, ".env");
  const fromFile = existsSync(file) ? parseDotenv(readFileSync(file)) : {};
  return { ...fromFile, ...env };
}

/**
 * On the embedded default (SQLite) an unset SECRET_KEY is generated once into `<data dir>/secret_key`
 * with mode 0600 and reused afterwards. A server database never gets a generated key: several
 * instances must share one, so it has to be configured.
 */
export function embeddedSecretKey(env: Record<string, string | undefined>, cwd: string): string | null {
  if (env.SECRET_KEY?.trim()) return null;
  const target = parseDatabaseUrl(env.DATABASE_URL?.trim() || "sqlite:./data/gatehouse.db", cwd);
  if (target.dialect !== "sqlite") return null;
  const dir = dataDirectory(target, cwd);
  const file = join(dir, "secret_key");
  if (existsSync(file)) return readFileSync(file, "utf8").trim();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString("base64");
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process made it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readFileSync(file, "utf8").trim();
    throw error;
  }
  return key;
}

export function loadConfig(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): Config {
  const merged = readEnvironment(cwd, env);
  return parseConfig(merged, { cwd, fallbackSecretKey: embeddedSecretKey(merged, cwd) });
}
