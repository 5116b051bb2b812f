/**
 * Sends one e-mail: its plain text, and an HTML alternative of the same text when given.
 * Implementations: console (development; prints the text) and SMTP (multipart/alternative).
 */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string; html?: string }): Promise<void>;
}

/**
 * The mail server did not accept the message. The error message never includes the text, which
 * may hold a one-time link.
 */
export class MailDeliveryError extends Error {
  override readonly name = "MailDeliveryError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
