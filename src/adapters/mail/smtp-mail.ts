import { createTransport } from "nodemailer";
import { MailDeliveryError, type Mailer } from "../../auth/mailer.port.ts";

export interface SmtpMailOptions {
  /** `smtp://user:pass@host:587` (STARTTLS when the server offers it) or `smtps://…:465` (implicit TLS). */
  smtpUrl: string;
  /** The From header, e.g. `"Gatehouse" <no-reply@example.com>`. */
  from: string;
  /** Upper bound for connecting, the greeting and any silence; nodemailer's defaults are minutes. */
  timeoutMs?: number;
}

/**
 * Sends mail over SMTP with nodemailer. Query parameters of the URL (e.g. `?requireTLS=true`)
 * are nodemailer options and take precedence over ours.
 */
export function createSmtpMail(options: SmtpMailOptions): Mailer {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const transport = createTransport({
    url: options.smtpUrl,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  });
  return {
    async send({ to, subject, text, html }) {
      try {
        // With html, nodemailer sends multipart/alternative: the text first, the HTML as the preferred part.
        await transport.sendMail({ from: options.from, to, subject, text, ...(html === undefined ? {} : { html }) });
      } catch (error) {
        const code = error instanceof Error && "code" in error && typeof error.code === "string" ? ` (${error.code})` : "";
        throw new MailDeliveryError(`The mail server did not accept the message${code}`, { cause: error });
      }
    },
  };
}
