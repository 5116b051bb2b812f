import type { FastifyInstance } from "fastify";
import type { Redis } from "ioredis";
import { noticeComposer } from "../../src/app.ts";
import { createConsoleMail } from "../../src/adapters/mail/console-mail.ts";
import { createMailQueue } from "../../src/adapters/mail/mail-queue.ts";
import { createSmtpMail } from "../../src/adapters/mail/smtp-mail.ts";
import { htmlMailComposer } from "../../src/notifications/html-mail.ts";
import { createOutbox, type Outbox } from "../../src/adapters/outbox.ts";
import { createConsoleSms } from "../../src/adapters/sms/console-sms.ts";
import type { SmsSender } from "../../src/auth/sms-sender.port.ts";
import { createSession } from "../../src/auth/session.ts";
import { createUser } from "../../src/auth/user.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { type Config, parseConfig } from "../../src/config/config.ts";
import { createKeyring } from "../../src/crypto/encryption.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { Role, User } from "../../src/db/schema.ts";
import type { AppDeps } from "../../src/deps.ts";
import { createMetrics } from "../../src/http/metrics.ts";
import { buildServer } from "../../src/server.ts";
import { createTestDatabase, type TestDatabase, type TestDialect } from "./databases.ts";
import { FakeClock } from "./fake-clock.ts";
import { HttpClient } from "./http-client.ts";

export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString("base64");
export const TEST_PASSWORD = "correct horse battery staple";

export interface TestContext {
  app: FastifyInstance;
  baseUrl: string;
  deps: AppDeps;
  clock: FakeClock;
  outbox: Outbox;
  testDb: TestDatabase;
  client(): HttpClient;
  createUser(o?: { email?: string; name?: string; role?: Role; password?: string | null }): Promise<User>;
  /** Signs a new client in with the password: it ends in the pending second-factor stage. */
  signInWithPassword(email: string, password?: string): Promise<HttpClient>;
  /** A client holding a full session for `user`, made directly in the database (bypasses the sign-in pages). */
  fullSessionClient(user: User): Promise<HttpClient>;
  /** Delivers queued e-mail now and waits for it (to read the outbox). */
  flushMail(): Promise<void>;
  close(): Promise<void>;
}

export interface ContextOptions {
  env?: Record<string, string>;
  sms?: SmsSender;
  /** "smtp": send e-mail with the real SMTP mailer to `env.SMTP_URL` (e.g. a startFakeSmtp() server) instead of the console outbox. */
  mail?: "console" | "smtp";
  /** Serve this database (e.g. one a CLI child process shares) instead of a fresh one; close() drops it all the same. */
  database?: TestDatabase;
  /** pino options for the server's logger (e.g. `{ level: "trace", stream }`); none by default. */
  logger?: AppDeps["logger"];
  /** A Redis client for the shared per-IP post limit (tests turn the limit on with env RATE_LIMIT_POSTS_PER_MINUTE). */
  redis?: Redis;
  /** Listen on this port (e.g. one freePort() found, to make PUBLIC_URL the server's real address); default any. */
  port?: number;
}

/** A fresh database, the real server on 127.0.0.1, a fake clock and the development outbox. */
export async function createTestContext(dialect: TestDialect, options: ContextOptions = {}): Promise<TestContext> {
  const testDb = options.database ?? (await createTestDatabase(dialect));
  const clock = new FakeClock();
  const outbox = createOutbox();
  const silent = () => {};
  const config: Config = parseConfig({ SECRET_KEY: TEST_SECRET_KEY, DATABASE_URL: "sqlite::memory:", LOG_LEVEL: "silent", RATE_LIMIT_POSTS_PER_MINUTE: "0", ...options.env }, { cwd: process.cwd(), fallbackSecretKey: null });
  let mailer = createConsoleMail({ log: silent, outbox, clock });
  if (options.mail === "smtp") {
    if (!config.smtpUrl) throw new Error('createTestContext: mail "smtp" needs env.SMTP_URL');
    mailer = createSmtpMail({ smtpUrl: config.smtpUrl, from: config.mailFrom, timeoutMs: 2_000 });
  }
  const quiet = { warn: silent, error: silent };
  const metrics = createMetrics();
  const deps: AppDeps = {
    config: { ...config, database: testDb.target },
    database: testDb.database,
    clock,
    random: cryptoRandom,
    keyring: createKeyring(config.secretKeys),
    sms: options.sms ?? createConsoleSms({ log: silent, outbox, clock }),
    mailer,
    // Delivery starts as soon as a form post is answered (production waits 200 ms to batch posts):
    // tests that count the outbox between requests see each request's mail settle before the next.
    mailQueue: createMailQueue({ db: testDb.database.db, mailer, clock, composeNotice: noticeComposer(config), composeHtml: htmlMailComposer(config), log: quiet, onDelivery: metrics.recordMail, kickDelayMs: 0 }),
    redis: options.redis ?? null,
    outbox,
    logger: options.logger ?? false,
    metrics,
    auditListener: metrics.auditListener,
  };
  const app = await buildServer(deps);
  await app.listen({ port: options.port ?? 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("server did not bind a TCP port");
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let counter = 0;

  const context: TestContext = {
    app,
    baseUrl,
    deps,
    clock,
    outbox,
    testDb,
    client: () => new HttpClient(baseUrl),
    async createUser(o = {}) {
      counter += 1;
      const result = await createUser(testDb.database.db, { clock, random: cryptoRandom }, {
        email: o.email ?? `client${counter}@example.com`,
        displayName: o.name ?? `Client ${counter}`,
        role: o.role ?? "client",
        password: o.password === undefined ? TEST_PASSWORD : o.password,
      });
      if (!result.ok) throw new Error(`createUser failed: ${result.error}`);
      return result.user;
    },
    async signInWithPassword(email, password = TEST_PASSWORD) {
      const client = context.client();
      const response = await client.submit("/login", { email, password });
      if (response.status !== 303) throw new Error(`sign-in failed with ${response.status}`);
      return client;
    },
    async fullSessionClient(user) {
      const { token } = await createSession(testDb.database.db, { clock, random: cryptoRandom }, user.id, { stage: "full", meta: { ip: "127.0.0.1", userAgent: "test" }, secondFactorAt: clock.nowMs() });
      const client = context.client();
      client.setCookie(sessionCookieName(deps.config), token);
      return client;
    },
    async flushMail() {
      await deps.mailQueue.idle();
      await deps.mailQueue.deliverDue();
      await deps.mailQueue.idle();
    },
    async close() {
      await deps.mailQueue.stop();
      await app.close();
      await testDb.drop();
    },
  };
  return context;
}
