import { z } from "zod";
import { resolve } from "node:path";
import { ConfigError } from "./config-error.ts";
import { parseCookieDomain, parseCountries, parseHostNames } from "./parse-lists.ts";
import { parseTrustProxy } from "./trust-proxy.ts";
import { type BrandConfig, parseBrand } from "./brand.ts";
import { dataDirectory } from "./data-dir.ts";

export { parseCookieDomain } from "./parse-lists.ts";

/** Validated, frozen configuration. Read once at boot (src/config/load.ts); nothing else reads process.env. */
export interface Config {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: URL;
  /** ALLOWED_HOSTS: host names served besides PUBLIC_URL's (and localhost and IP addresses); others get 421. */
  readonly allowedHosts: readonly string[];
  /** Cookies are Secure and `__Host-` prefixed when PUBLIC_URL is https (`__Secure-` with COOKIE_DOMAIN). */
  readonly secureCookies: boolean;
  /** COOKIE_DOMAIN: the session cookie's Domain, so forward auth sees it on the apps' hosts; null = this host only. */
  readonly cookieDomain: string | null;
  readonly database: DatabaseTarget;
  /** Versioned AES-256 keys; the last one encrypts, all of them decrypt. */
  readonly secretKeys: readonly { id: string; key: Buffer }[];
  readonly portalName: string;
  /** BRAND_COLOR and the logo (BRAND_LOGO_URL, BRAND_LOGO_FILE or logo.svg / logo.png in the data directory). */
  readonly brand: BrandConfig;
  readonly sms:
    | { provider: "console" }
    | { provider: "twilio"; accountSid: string; authToken: string; from: string; apiBase: string };
  /** SMS_ALLOWED_COUNTRIES: ISO 3166 alpha-2 codes that codes may be texted to; null = all. */
  readonly smsAllowedCountries: readonly string[] | null;
  readonly smtpUrl: string | null;
  readonly mailFrom: string;
  readonly supportContact: string;
  /**
   * TRUST_PROXY: false, a hop count, or the proxy's addresses/CIDRs (comma list). Never `true`: believing
   * every hop lets any client pick the address that per-IP limits count (parseTrustProxy).
   */
  readonly trustProxy: false | number | string;
  readonly production: boolean;
  readonly logLevel: string;
  readonly migrateOnStart: boolean;
  /** REDIS_URL: shares the per-IP request limit between instances; null = counted in each process. */
  readonly redisUrl: string | null;
  /** RATE_LIMIT_POSTS_PER_MINUTE: form posts per client IP per minute; 0 turns the limit off. */
  readonly postsPerMinute: number;
  /** REMEMBER_BROWSER_DAYS: how long "Remember this browser" lasts; 0 removes the checkbox. */
  readonly rememberBrowserDays: number;
  /** IPV6_LIMIT_PREFIX: IPv6 clients are counted by this network prefix by every per-IP limit (default 64). */
  readonly ipv6LimitPrefix: number;
  /** SIGN_IN_MAX_WAIT_MS: a sign-in whose password check would wait longer is refused at once with 503 (PORTAL.md §7). */
  readonly signInMaxWaitMs: number;
  /** AUDIT_RETENTION_DAYS: audit events older than this are purged daily (PORTAL.md §7); 0 keeps them forever. */
  readonly auditRetentionDays: number;
}

export type DatabaseTarget = { dialect: "sqlite"; path: string } | { dialect: "postgres"; url: string };

export { ConfigError };

const port = z
  .string()
  .regex(/^\d{1,5}$/, { message: "must be a port number from 0 to 65535" })
  .transform(Number)
  .refine((n) => n <= 65535, { message: "must be a port number from 0 to 65535" });
const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");

export function parseDatabaseUrl(value: string, cwd: string): DatabaseTarget {
  if (value.startsWith("postgres://") || value.startsWith("postgresql://")) {
    try {
      new URL(value);
    } catch {
      throw new ConfigError("DATABASE_URL", "is not a valid postgres:// URL");
    }
    return { dialect: "postgres", url: value };
  }
  if (value.startsWith("sqlite:")) {
    const rest = value.slice("sqlite:".length);
    // sqlite:relative/path, sqlite:/absolute/path or sqlite:///absolute/path; "sqlite://host/…" has no meaning here.
    if (rest.startsWith("//") && !rest.startsWith("///")) throw new ConfigError("DATABASE_URL", "use sqlite:./relative/path or sqlite:///absolute/path");
    const path = rest.replace(/^\/\/(?=\/)/, "");
    if (!path) throw new ConfigError("DATABASE_URL", "sqlite: needs a file path, e.g. sqlite:./data/gatehouse.db");
    return { dialect: "sqlite", path: path === ":memory:" ? path : resolve(cwd, path) };
  }
  throw new ConfigError("DATABASE_URL", "must start with sqlite: or postgres://");
}

/**
 * SECRET_KEY is one base64 key of 32 bytes (`openssl rand -base64 32`), or several versioned keys
 * `id1:base64,id2:base64` where the last one is current (key rotation).
 */
export function parseSecretKeys(value: string): { id: string; key: Buffer }[] {
  const entries = value.split(",").map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new ConfigError("SECRET_KEY", "is empty");
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const colon = entry.indexOf(":");
    const id = colon > 0 ? entry.slice(0, colon) : `k${index + 1}`;
    const b64 = colon > 0 ? entry.slice(colon + 1) : entry;
    if (!/^[A-Za-z0-9_-]{1,32}$/.test(id)) throw new ConfigError("SECRET_KEY", `key id "${id}" must be 1-32 letters, digits, _ or -`);
    if (seen.has(id)) throw new ConfigError("SECRET_KEY", `key id "${id}" appears twice`);
    seen.add(id);
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) throw new ConfigError("SECRET_KEY", "is not base64 (make one with: openssl rand -base64 32)");
    const key = Buffer.from(b64, "base64");
    if (key.length !== 32) throw new ConfigError("SECRET_KEY", `must decode to 32 bytes, got ${key.length} (make one with: openssl rand -base64 32)`);
    return { id, key };
  });
}

function field<T>(env: Record<string, string | undefined>, name: string, schema: z.ZodType<T>, fallback: string): T {
  const raw = env[name]?.trim() || fallback;
  const result = schema.safeParse(raw);
  if (!result.success) throw new ConfigError(name, result.error.issues[0]?.message ?? "is invalid");
  return result.data;
}

function required(env: Record<string, string | undefined>, name: string, why: string): string {
  const value = env[name]?.trim();
  if (!value) throw new ConfigError(name, `is required ${why}`);
  return value;
}

export interface ParseOptions {
  cwd: string;
  /** The SECRET_KEY to use when the variable is unset (the generated embedded key); null = required. */
  fallbackSecretKey: string | null;
}

export function parseConfig(env: Record<string, string | undefined>, options: ParseOptions): Config {
  // PORT first: the default PUBLIC_URL is built from it, so a bad PORT must be reported as PORT.
  const listenPort = field(env, "PORT", port, "3000");
  const publicUrlText = env.PUBLIC_URL?.trim() || `http://localhost:${listenPort}`;
  let publicUrl: URL;
  try {
    publicUrl = new URL(publicUrlText);
  } catch {
    throw new ConfigError("PUBLIC_URL", "is not a valid URL, e.g. https://portal.example.com");
  }
  if (publicUrl.protocol !== "http:" && publicUrl.protocol !== "https:") throw new ConfigError("PUBLIC_URL", "must be http:// or https://");

  const database = parseDatabaseUrl(env.DATABASE_URL?.trim() || "sqlite:./data/gatehouse.db", options.cwd);
  const secretText = env.SECRET_KEY?.trim() || options.fallbackSecretKey;
  if (!secretText) throw new ConfigError("SECRET_KEY", "is required with this DATABASE_URL (make one with: openssl rand -base64 32)");

  const provider = field(env, "SMS_PROVIDER", z.enum(["console", "twilio"], { message: "must be console or twilio" }), "console");
  const sms: Config["sms"] =
    provider === "console"
      ? { provider }
      : {
          provider,
          accountSid: required(env, "TWILIO_ACCOUNT_SID", "when SMS_PROVIDER=twilio"),
          authToken: required(env, "TWILIO_AUTH_TOKEN", "when SMS_PROVIDER=twilio"),
          from: required(env, "TWILIO_FROM", "when SMS_PROVIDER=twilio"),
          apiBase: field(env, "TWILIO_API_BASE", z.url({ message: "must be a URL" }), "https://api.twilio.com").replace(/\/+$/, ""),
        };

  const smtpUrl = env.SMTP_URL?.trim() || null;
  if (smtpUrl && !/^smtps?:\/\//.test(smtpUrl)) throw new ConfigError("SMTP_URL", "must start with smtp:// or smtps://");

  const trustProxy = parseTrustProxy(env.TRUST_PROXY?.trim() || "false");
  const portalName = field(env, "PORTAL_NAME", z.string().max(60, { message: "must be at most 60 characters" }).regex(/^[^:]+$/, { message: "must not contain ':'" }), "Gatehouse");

  return Object.freeze({
    port: listenPort,
    host: env.HOST?.trim() || "localhost",
    publicUrl,
    allowedHosts: Object.freeze(parseHostNames(env.ALLOWED_HOSTS)),
    secureCookies: publicUrl.protocol === "https:",
    cookieDomain: parseCookieDomain(env.COOKIE_DOMAIN, publicUrl),
    database,
    secretKeys: Object.freeze(parseSecretKeys(secretText)),
    portalName,
    brand: parseBrand(env, { cwd: options.cwd, dataDir: dataDirectory(database, options.cwd), production: env.NODE_ENV === "production" }),
    sms,
    smsAllowedCountries: parseCountries(env.SMS_ALLOWED_COUNTRIES),
    smtpUrl,
    mailFrom: env.MAIL_FROM?.trim() || `${portalName} <no-reply@${publicUrl.hostname}>`,
    supportContact: env.SUPPORT_CONTACT?.trim() || "your company's support desk",
    trustProxy,
    production: env.NODE_ENV === "production",
    logLevel: field(env, "LOG_LEVEL", z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { message: "must be a pino level (info, warn, ...)" }), "info"),
    migrateOnStart: field(env, "MIGRATE_ON_START", bool, "true"),
    redisUrl: field(env, "REDIS_URL", z.union([z.literal(""), z.string().regex(/^rediss?:\/\//, { message: "must start with redis:// or rediss://" })]), "") || null,
    ipv6LimitPrefix: field(env, "IPV6_LIMIT_PREFIX", z.coerce.number({ message: "must be a number" }).int({ message: "must be a whole number" }).min(32, { message: "must be from 32 to 128" }).max(128, { message: "must be from 32 to 128" }), "64"),
    postsPerMinute: field(env, "RATE_LIMIT_POSTS_PER_MINUTE", z.coerce.number({ message: "must be a number" }).int({ message: "must be a whole number" }).min(0, { message: "must be 0 or more" }), "600"),
    // At most a year (our figure): a remembered browser proves the second factor again at least yearly.
    rememberBrowserDays: field(env, "REMEMBER_BROWSER_DAYS", z.coerce.number({ message: "must be a number" }).int({ message: "must be a whole number" }).min(0, { message: "must be 0 or more" }).max(365, { message: "must be at most 365" }), "30"),
    signInMaxWaitMs: field(env, "SIGN_IN_MAX_WAIT_MS", z.coerce.number({ message: "must be a number" }).int({ message: "must be a whole number" }).min(100, { message: "must be at least 100" }), "2000"),
    auditRetentionDays: field(env, "AUDIT_RETENTION_DAYS", z.coerce.number({ message: "must be a number" }).int({ message: "must be a whole number of days" }).min(0, { message: "must be 0 (keep forever) or more" }).max(36_500, { message: "must be at most 36500 (100 years)" }), "400"),
  });
}
