import type { AuditListener } from "./auth/audit.ts";
import type { Clock } from "./clock.ts";
import type { Config } from "./config/config.ts";
import type { Keyring } from "./crypto/encryption.ts";
import type { RandomSource } from "./crypto/random.ts";
import type { Database } from "./db/database.ts";
import type { Redis } from "ioredis";
import type { MailQueue } from "./adapters/mail/mail-queue.ts";
import type { Mailer } from "./adapters/mail/mailer.ts";
import type { Outbox } from "./adapters/outbox.ts";
import type { SmsSender } from "./adapters/sms/sms-sender.ts";
import type { Metrics } from "./http/metrics.ts";

/** Everything a request handler may use. Built once in main.ts (or by the test context). */
export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  random: RandomSource;
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
  /** Told of every audit event the domain writes (recordAuditEvent finds it on the deps it is passed). */
  auditListener?: AuditListener;
}
