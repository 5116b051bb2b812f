/** Sends one plain-text e-mail. Implementations: console (development) and SMTP. */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>;
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
