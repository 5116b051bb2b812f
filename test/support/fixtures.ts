import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createTwilioSms } from "../../src/adapters/sms/twilio-sms.ts";
import type { SmsSender } from "../../src/auth/sms-sender.port.ts";
import { type ContextOptions, createTestContext, type TestContext } from "./context.ts";
import { createTestDatabase, type TestDatabase, type TestDialect } from "./databases.ts";
import { type FakeTwilio, startFakeTwilio } from "./fake-twilio.ts";
import { createSharedTestContext, type SharedTestContext } from "./shared-context.ts";

/**
 * How long a fixture lives: "test", a fresh one for every test (beforeEach/afterEach); "describe",
 * one for all the tests of the describe block it is called in (beforeAll/afterAll).
 */
export type FixtureScope = "test" | "describe";

/**
 * Opens a fixture in a before hook and closes it in the matching after hook, and returns a stand-in
 * that reaches the open one: call it once in a describe block, then use the result in its tests as
 * if it were the fixture itself (`ctx.client()`, `twilio.messages`).
 *
 * vitest runs after hooks in reverse (sequence.hooks "stack"): fixtures close in the reverse order of
 * the calls, and an afterEach the file registers after the call runs before the fixture closes.
 */
export function useFixture<T extends object>(name: string, open: () => Promise<T>, close: (fixture: T) => Promise<void>, scope: FixtureScope = "test"): T {
  let current: T | null = null;
  const [before, after] = scope === "test" ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    current = await open();
  });
  after(async () => {
    const fixture = current;
    current = null;
    if (fixture) await close(fixture);
  });
  const fixture = (): T => {
    if (!current) throw new Error(`${name} is only open inside tests (it opens in a ${scope === "test" ? "beforeEach" : "beforeAll"} hook)`);
    return current;
  };
  return new Proxy({} as T, {
    get: (_target, property) => (current === null && (property === "then" || typeof property === "symbol") ? undefined : Reflect.get(fixture(), property)),
    set: (_target, property, value) => Reflect.set(fixture(), property, value),
    has: (_target, property) => Reflect.has(fixture(), property),
    ownKeys: () => Reflect.ownKeys(fixture()),
    getOwnPropertyDescriptor: (_target, property) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(fixture(), property);
      return descriptor && { ...descriptor, configurable: true };
    },
  });
}

/**
 * The usual set-up of a test file: createTestContext (a fresh database and the real server) before
 * each test, or once for the describe block, and close() after. `options` may be a function, to read
 * a fixture opened before this one (e.g. `() => ({ sms: twilioSms(twilio, FROM) })`).
 */
export function useTestContext(dialect: TestDialect, options: ContextOptions | (() => ContextOptions) = {}, scope: FixtureScope = "test"): TestContext {
  return useFixture("the test context", () => createTestContext(dialect, typeof options === "function" ? options() : options), (ctx) => ctx.close(), scope);
}

/** useTestContext on a database the `gatehouse` command can open too (see createSharedTestContext). */
export function useSharedTestContext(dialect: TestDialect, scope: FixtureScope = "test"): SharedTestContext {
  return useFixture("the shared test context", () => createSharedTestContext(dialect), (ctx) => ctx.close(), scope);
}

/** A fresh, migrated database (createTestDatabase), dropped afterwards. */
export function useTestDatabase(dialect: TestDialect, scope: FixtureScope = "test"): TestDatabase {
  return useFixture("the test database", () => createTestDatabase(dialect), (testDb) => testDb.drop(), scope);
}

/** A fake Twilio Messages API on 127.0.0.1 (startFakeTwilio); pair it with `twilioSms` for the server's SMS. */
export function useFakeTwilio(scope: FixtureScope = "test"): FakeTwilio {
  return useFixture("the fake Twilio", () => startFakeTwilio(), (twilio) => twilio.close(), scope);
}

/** The real Twilio SMS sender, speaking to `twilio`. */
export function twilioSms(twilio: FakeTwilio, from: string, timeoutMs?: number): SmsSender {
  return createTwilioSms({ accountSid: twilio.accountSid, authToken: twilio.authToken, apiBase: twilio.apiBase, from, timeoutMs });
}
