import type { CoreDeps } from "./auth/deps.ts";
import type { Config } from "./config/config.ts";
import type { Keyring } from "./crypto/encryption.ts";
import type { Database } from "./db/database.ts";
import type { Redis } from "ioredis";
import type { MailQueue } from "./adapters/mail/mail-queue.ts";
import type { Mailer } from "./auth/mailer.port.ts";
import type { Outbox } from "./adapters/outbox.ts";
import type { SmsSender } from "./auth/sms-sender.port.ts";
import type { Metrics } from "./http/metrics.ts";

/** Everything a request handler may use. Built once in main.ts (or by the test context). */
export interface AppDeps extends CoreDeps {
  config: Config;
  database: Database;
  /** SECRET_KEY's versioned keys, for second-factor secrets at rest. */
  keyring: Keyring;
  sms: SmsSender;
  mailer: Mailer;
  /** Delivers queued e-mail (security notifications) after the request that queued it. */
  mailQueue: MailQueue;
  /** REDIS_URL's client, shared by the per-IP post limit of every instance; null without Redis. */
  redis?: Redis | null;
  /** The development outbox (console SMS and mail); null in production. */
  outbox: Outbox | null;
  /** pino options for Fastify's logger, or false for none. */
  logger: boolean | Record<string, unknown>;
  /** Prometheus metrics of this instance; buildServer makes an empty set when absent. */
  metrics?: Metrics;
}
