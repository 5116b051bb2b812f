/** Sends one SMS. Implementations: console (development) and Twilio. */
export interface SmsSender {
  send(message: { to: string; body: string }): Promise<void>;
}

export type SmsDeliveryFailure = "rejected" | "network" | "timeout";

/**
 * The provider did not accept the message. The error message never includes the SMS body or the
 * recipient (codes and phone numbers must not reach logs).
 */
export class SmsDeliveryError extends Error {
  override readonly name = "SmsDeliveryError";
  readonly reason: SmsDeliveryFailure;
  /** The provider's HTTP status, when it answered. */
  readonly status: number | undefined;

  constructor(reason: SmsDeliveryFailure, message: string, options: { cause?: unknown; status?: number } = {}) {
    super(message, "cause" in options ? { cause: options.cause } : undefined);
    this.reason = reason;
    this.status = options.status;
  }
}
