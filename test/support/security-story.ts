import { expect } from "vitest";
import type { User } from "../../src/db/schema.ts";
import { sessionCookieName } from "../../src/http/cookies.ts";
import { TEST_PASSWORD, type TestContext } from "./context.ts";
import { MINUTE_MS } from "./fake-clock.ts";
import type { HttpClient } from "./http-client.ts";
import {
  clientWithUserAgent,
  keyFromSetupPage,
  lastSmsCode,
  otherCode,
  staleThenStepUp,
  startAppSetup,
  submitAppSetupCode,
  totpCodeAt,
  wrongTotpCode,
} from "./two-factor.ts";

export const STORY_PHONES = { fallback: "+447400654321", fallback2: "+447400333344", smsA: "+447400123456", smsB: "+447400111122" } as const;

export interface SecurityStory {
  user: User;
  /** Every authenticator key the user had, oldest first. */
  secrets: Buffer[];
  startMs: number;
  /** Every session token and CSRF secret the story's browsers held (for "no secrets" checks). */
  tokens: string[];
}

/**
 * One user's whole security life through the real pages, every request from `userAgent`: a wrong
 * password, sign-in and app set-up; fallback phone added, then changed; a failed step-up; app key
 * replaced; switch to SMS; SMS phone changed; sign-out; at the next sign-in a wrong code, then a self
 * reset with the fallback phone (one wrong reset code first) and a new app; the fallback phone removed.
 * The clock moves at least 5 minutes between changes, so each event has its own minute.
 */
export async function runSecurityStory(ctx: TestContext, userAgent: string, email = "ann@example.com"): Promise<SecurityStory> {
  const startMs = ctx.clock.nowMs();
  const user = await ctx.createUser({ email, name: "Ann Example" });
  const secrets: Buffer[] = [];
  const first = clientWithUserAgent(ctx, userAgent);
  const tokens = new Set<string>();
  const keep = (client: HttpClient) => {
    for (const name of [sessionCookieName(ctx.deps.config), "gatehouse_csrf"]) {
      const value = client.cookie(name);
      if (value) tokens.add(value);
    }
  };

  expect((await first.submit("/login", { email, password: `${TEST_PASSWORD}!` })).status).toBe(401);
  expect((await first.submit("/login", { email, password: TEST_PASSWORD })).status).toBe(303);
  keep(first);
  secrets.push(await startAppSetup(first));
  expect((await submitAppSetupCode(first, totpCodeAt(secrets[0]!, ctx.clock.nowMs()))).location).toBe("/");
  keep(first);

  for (const phone of [STORY_PHONES.fallback, STORY_PHONES.fallback2]) {
    expect(await staleThenStepUp(ctx, first, { kind: "totp", secret: secrets[0]! }, "fallback")).toBe("/two-factor/fallback");
    expect((await first.submit("/two-factor/fallback", { phone }, "/two-factor/fallback/send")).location).toBe("/two-factor/fallback/verify");
    expect((await first.submit("/two-factor/fallback/verify", { code: lastSmsCode(ctx, phone) })).location).toBe("/two-factor");
  }

  ctx.clock.advance(5 * MINUTE_MS);
  expect((await first.submit("/two-factor/step-up?then=setup-app", { code: wrongTotpCode(secrets[0]!, ctx.clock.nowMs()) })).status).toBe(400);
  expect(await staleThenStepUp(ctx, first, { kind: "totp", secret: secrets[0]! }, "setup-app")).toBe("/two-factor/setup/app");
  secrets.push(keyFromSetupPage((await first.get("/two-factor/setup/app")).body));
  expect((await submitAppSetupCode(first, totpCodeAt(secrets[1]!, ctx.clock.nowMs()))).location).toBe("/two-factor");

  let current: { kind: "totp"; secret: Buffer } | { kind: "sms"; phone: string } = { kind: "totp", secret: secrets[1]! };
  for (const phone of [STORY_PHONES.smsA, STORY_PHONES.smsB]) {
    expect(await staleThenStepUp(ctx, first, current, "setup-sms")).toBe("/two-factor/setup/sms");
    expect((await first.submit("/two-factor/setup/sms", { phone }, "/two-factor/setup/sms/send")).location).toBe("/two-factor/setup/sms/verify");
    expect((await first.submit("/two-factor/setup/sms/verify", { code: lastSmsCode(ctx, phone) })).location).toBe("/two-factor");
    current = { kind: "sms", phone };
  }
  expect((await first.submit("/", {}, "/logout")).location).toBe("/login");

  ctx.clock.advance(5 * MINUTE_MS);
  const second = clientWithUserAgent(ctx, userAgent);
  expect((await second.submit("/login", { email, password: TEST_PASSWORD })).location).toBe("/two-factor");
  keep(second);
  expect((await second.submit("/two-factor/verify", { code: otherCode(lastSmsCode(ctx, STORY_PHONES.smsB)) })).status).toBe(400);
  expect((await second.submit("/two-factor/reset", {}, "/two-factor/reset/send")).location).toBe("/two-factor/reset");
  const resetCode = lastSmsCode(ctx, STORY_PHONES.fallback2);
  expect((await second.submit("/two-factor/reset", { reset_code: otherCode(resetCode) })).status).toBe(400);
  expect((await second.submit("/two-factor/reset", { reset_code: resetCode })).location).toBe("/two-factor/setup");
  secrets.push(await startAppSetup(second));
  expect((await submitAppSetupCode(second, totpCodeAt(secrets[2]!, ctx.clock.nowMs()))).location).toBe("/");
  keep(second);

  expect(await staleThenStepUp(ctx, second, { kind: "totp", secret: secrets[2]! }, "manage")).toBe("/two-factor");
  expect((await second.submit("/two-factor", {}, "/two-factor/fallback/remove")).location).toBe("/two-factor");
  return { user, secrets, startMs, tokens: [...tokens] };
}
