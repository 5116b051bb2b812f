import type { Config } from "./config.ts";

/** One line each for what a production start should not leave unsaid (printed by createDeps). */
export function startupWarnings(config: Config): string[] {
  if (!config.production) return [];
  const warnings: string[] = [];
  const consoleSms = config.sms.provider === "console";
  const consoleMail = !config.smtpUrl;
  if (consoleSms && consoleMail) warnings.push("warning: SMS and e-mail are not delivered: set SMS_PROVIDER and SMTP_URL (codes and links are withheld, not printed)");
  else if (consoleSms) warnings.push("warning: SMS is not delivered: set SMS_PROVIDER (codes are withheld, not printed)");
  else if (consoleMail) warnings.push("warning: e-mail is not delivered: set SMTP_URL (links are withheld, not printed)");
  // SMS pumping (toll fraud) and cost: OWASP "SMS pumping" guidance recommends a country allow-list.
  if (!config.smsAllowedCountries) warnings.push("warning: SMS_ALLOWED_COUNTRIES is unset, so codes may be texted to any country: set it to your clients' countries (e.g. GB,IE) to bound SMS cost and toll fraud");
  return warnings;
}
