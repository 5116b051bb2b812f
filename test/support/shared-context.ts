import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { mailText } from "../../src/app.ts";
import { createConsoleMail } from "../../src/adapters/mail/console-mail.ts";
import { createMailQueue } from "../../src/adapters/mail/mail-queue.ts";
import { createOutbox } from "../../src/adapters/outbox.ts";
import { createConsoleSms } from "../../src/adapters/sms/console-sms.ts";
import { createSession } from "../../src/auth/session.ts";
import { createUser } from "../../src/auth/user.ts";
import { parseConfig } from "../../src/config/config.ts";
import { createKeyring } from "../../src/crypto/encryption.ts";
import { cryptoRandom } from "../../src/crypto/random.ts";
import type { AppDeps } from "../../src/http/deps.ts";
import { buildServer } from "../../src/http/server.ts";
import { sessionCookieName } from "../../src/http/session-cookie.ts";
import { cliDatabaseUrl } from "./cli.ts";
import { TEST_PASSWORD, TEST_SECRET_KEY, type TestContext } from "./context.ts";
import { createTestDatabase, type TestDialect } from "./databases.ts";
import { FakeClock } from "./fake-clock.ts";
import { HttpClient } from "./http-client.ts";

/**
 * The same as createTestContext (console mail into `outbox`, fake clock), but on a database a child
 * process can open too: a SQLite file, or the test's PostgreSQL schema. `cliEnv` points the real
 * `gatehouse` command (runCli) at it, so what the CLI writes is what the server under test reads.
 * (createTestContext's in-memory SQLite cannot be shared; once context.ts takes a sqlitePath this
 * file can become a two-line wrapper.)
 */
export async function createSharedTestContext(dialect: TestDialect): Promise<TestContext & { cliEnv: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-shared-"));
  const testDb = await createTestDatabase(dialect, { sqlitePath: join(dir, "portal.db") });
  const clock = new FakeClock();
  const outbox = createOutbox();
  const silent = () => {};
  const config = parseConfig({ SECRET_KEY: TEST_SECRET_KEY, DATABASE_URL: "sqlite::memory:", LOG_LEVEL: "silent" }, { cwd: process.cwd(), fallbackSecretKey: null });
  const mailer = createConsoleMail({ log: silent, outbox, clock });
  const deps: AppDeps = {
    config: { ...config, database: testDb.target },
    database: testDb.database,
    clock,
    random: cryptoRandom,
    keyring: createKeyring(config.secretKeys),
    sms: createConsoleSms({ log: silent, outbox, clock }),
    mailer,
    mailQueue: createMailQueue({ db: testDb.database.db, mailer, clock, text: mailText(config), log: { warn: silent, error: silent } }),
    outbox,
    logger: false,
  };
  const app = await buildServer(deps);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const address = app.server.address();
  if (!address || typeof address === "string") throw new Error("server did not bind a TCP port");
  const baseUrl = `http://127.0.0.1:${address.port}`;
  let counter = 0;

  const context: TestContext & { cliEnv: Record<string, string> } = {
    app,
    baseUrl,
    deps,
    clock,
    outbox,
    testDb,
    cliEnv: { DATABASE_URL: cliDatabaseUrl(testDb) },
    client: () => new HttpClient(baseUrl),
    async createUser(o = {}) {
      counter += 1;
      const input = { email: o.email ?? `client${counter}@example.com`, displayName: o.name ?? `Client ${counter}`, role: o.role ?? "client", password: o.password === undefined ? TEST_PASSWORD : o.password };
      const result = await createUser(testDb.database.db, { clock, random: cryptoRandom }, input);
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
      const meta = { ip: "127.0.0.1", userAgent: "test" };
      const { token } = await createSession(testDb.database.db, { clock, random: cryptoRandom }, user.id, { stage: "full", meta, secondFactorAt: clock.nowMs() });
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
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return context;
}
