import { describe, expect, it } from "vitest";
import { createDeps } from "../../src/app.ts";
import { parseConfig } from "../../src/config/config.ts";
import { TEST_SECRET_KEY } from "../support/context.ts";

async function started(env: Record<string, string>) {
  const lines: string[] = [];
  const config = parseConfig({ SECRET_KEY: TEST_SECRET_KEY, DATABASE_URL: "sqlite::memory:", LOG_LEVEL: "silent", ...env }, { cwd: process.cwd(), fallbackSecretKey: null });
  const deps = createDeps(config, { log: (line) => lines.push(line) });
  const startLines = [...lines];
  await deps.sms.send({ to: "+447400123456", body: "Your Gatehouse code is 493817" });
  await deps.mailer.send({ to: "ann@example.com", subject: "Reset your password", text: "Open http://localhost:3000/reset-password/SECRETTOKENSECRETTOKENSECRETTOKENSECRETTOK" });
  await deps.database.close();
  return { startLines, sent: lines.slice(startLines.length).join("\n") };
}

describe("the console SMS and e-mail senders", () => {
  it("in production warn at start that nothing is delivered, and print 'code withheld' and 'link withheld' instead of the secrets", async () => {
    const { startLines, sent } = await started({ NODE_ENV: "production" });
    expect(startLines).toContain("warning: SMS and e-mail are not delivered: set SMS_PROVIDER and SMTP_URL (codes and links are withheld, not printed)");
    expect(sent).not.toContain("493817");
    expect(sent).not.toContain("SECRETTOKEN");
    expect(sent).toContain("code withheld");
    expect(sent).toContain("link withheld");
  });

  it("in development print the code and the link, with no warning", async () => {
    const { startLines, sent } = await started({});
    expect(startLines).toEqual([]);
    expect(sent).toContain("493817");
    expect(sent).toContain("SECRETTOKEN");
  });
});
