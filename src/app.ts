import { systemClock, type Clock } from "./clock.ts";
import type { Config } from "./config/config.ts";
import { createKeyring } from "./crypto/encryption.ts";
import { cryptoRandom, type RandomSource } from "./crypto/random.ts";
import { openDatabase } from "./db/database.ts";
import pino from "pino";
import { frameDevMessage } from "./http/logging/dev-log.ts";
import { createConsoleMail } from "./adapters/mail/console-mail.ts";
import { createMailQueue, type NoticeFacts } from "./adapters/mail/mail-queue.ts";
import type { AuditEventType } from "./auth/audit.ts";
import { composeSecurityNotice } from "./notifications/security-notice.ts";
import { htmlMailComposer } from "./notifications/html-mail.ts";
import { createSmtpMail } from "./adapters/mail/smtp-mail.ts";
import { createOutbox } from "./adapters/outbox.ts";
import { createConsoleSms } from "./adapters/sms/console-sms.ts";
import { createTwilioSms } from "./adapters/sms/twilio-sms.ts";
import type { AppDeps } from "./deps.ts";
import { createMetrics } from "./http/metrics.ts";
import { startupWarnings } from "./config/warnings.ts";
import { connectRedis } from "./http/request-rate-limit.ts";

/** Wires the real adapters for a configuration: the one place that decides console vs Twilio, SQLite vs PostgreSQL. */
export function createDeps(
  config: Config,
  options: { clock?: Clock; random?: RandomSource; log?: (line: string) => void; logger?: AppDeps["logger"] } = {},
): AppDeps {
  const clock = options.clock ?? systemClock;
  const log = options.log ?? ((line: string) => process.stdout.write(`${frameDevMessage(line, process.stdout.isTTY === true)}\n`));
  // The console senders keep what they "send" here; /dev/outbox shows it outside production only
  // (in production they withhold codes and links: README, security model).
  const devOutbox = createOutbox();
  const sms =
    config.sms.provider === "twilio"
      ? createTwilioSms({ accountSid: config.sms.accountSid, authToken: config.sms.authToken, from: config.sms.from, apiBase: config.sms.apiBase })
      : createConsoleSms({ log, outbox: devOutbox, clock, withhold: config.production });
  const mailer = config.smtpUrl ? createSmtpMail({ smtpUrl: config.smtpUrl, from: config.mailFrom }) : createConsoleMail({ log, outbox: devOutbox, clock, withhold: config.production });
  for (const warning of startupWarnings(config)) log(warning);
  const database = openDatabase(config.database);
  const metrics = createMetrics({ defaultMetrics: true });
  const mailQueue = createMailQueue({ db: database.db, mailer, clock, composeNotice: noticeComposer(config), composeHtml: htmlMailComposer(config), log: pino({ level: config.logLevel }), onDelivery: metrics.recordMail });
  return {
    config,
    database,
    mailQueue,
    clock,
    random: options.random ?? cryptoRandom,
    keyring: createKeyring(config.secretKeys),
    sms,
    mailer,
    outbox: config.production ? null : devOutbox,
    logger: options.logger ?? true,
    redis: config.redisUrl ? connectRedis(config.redisUrl) : null,
    metrics,
    auditListener: metrics.auditListener,
  };
}

/** The security notices' texts for this portal (the mail queue only delivers them). */
export function noticeComposer(config: Config): (facts: NoticeFacts) => { subject: string; text: string } {
  const portal = { portalName: config.portalName, supportContact: config.supportContact, publicUrl: config.publicUrl.href };
  return (facts) => composeSecurityNotice({ ...facts, type: facts.type as AuditEventType, ...portal });
}
