import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/config.ts";
import { startupWarnings } from "../../src/config/warnings.ts";
import { createTestContext, TEST_SECRET_KEY, type TestContext } from "../support/context.ts";
import { TEST_DIALECTS } from "../support/databases.ts";
import { sendSmsSetupCode } from "../support/two-factor.ts";

describe.each(TEST_DIALECTS)("SMS cost defaults (%s)", (dialect) => {
  let ctx: TestContext;
  afterEach(async () => ctx.close());

  it("a fixed-line number is refused for SMS codes before anything is sent; a mobile number is accepted", async () => {
    ctx = await createTestContext(dialect);
    const client = await ctx.signInWithPassword((await ctx.createUser()).email);
    const landline = await sendSmsSetupCode(client, "+44 20 7946 0958");
    expect(landline.status).toBe(400);
    expect(landline.body).toContain("This number cannot receive text messages");
    expect(ctx.outbox.list().filter((m) => m.channel === "sms")).toEqual([]);
    expect((await sendSmsSetupCode(client, "+44 7400 123456")).status).toBe(303);
  });
});

describe("SMS_ALLOWED_COUNTRIES at start", () => {
  const warnings = (env: Record<string, string>) => startupWarnings(parseConfig({ SECRET_KEY: TEST_SECRET_KEY, SMS_PROVIDER: "twilio", TWILIO_ACCOUNT_SID: "AC1", TWILIO_AUTH_TOKEN: "t", TWILIO_FROM: "+15005550006", SMTP_URL: "smtp://mail.example", ...env }, { cwd: process.cwd(), fallbackSecretKey: null }));

  it("unset in production, one start-up line recommends it; set, or in development, nothing is said", () => {
    const unset = warnings({ NODE_ENV: "production" });
    expect(unset).toHaveLength(1);
    expect(unset[0]).toMatch(/^warning: SMS_ALLOWED_COUNTRIES is unset/);
    expect(warnings({ NODE_ENV: "production", SMS_ALLOWED_COUNTRIES: "GB,IE" })).toEqual([]);
    expect(warnings({})).toEqual([]);
  });
});
