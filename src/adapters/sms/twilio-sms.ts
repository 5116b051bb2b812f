import { SmsDeliveryError, type SmsSender } from "../../auth/sms-sender.port.ts";

export interface TwilioSmsOptions {
  accountSid: string;
  authToken: string;
  /** The sending number (E.164) or messaging-service sender. */
  from: string;
  /** Twilio's public API by default; tests point it at a local fake. */
  apiBase?: string;
  timeoutMs?: number;
  fetch?: typeof globalThis.fetch;
}

/**
 * Sends SMS through Twilio's Messages API (POST /2010-04-01/Accounts/{sid}/Messages.json,
 * form-encoded To/From/Body, HTTP basic auth). Any failure becomes an SmsDeliveryError whose
 * message carries the status and Twilio error code only — never the body, which holds a code.
 */
export function createTwilioSms(options: TwilioSmsOptions): SmsSender {
  const apiBase = (options.apiBase ?? "https://api.twilio.com").replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 5000;
  const fetchFn = options.fetch ?? globalThis.fetch;
  const url = `${apiBase}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${Buffer.from(`${options.accountSid}:${options.authToken}`).toString("base64")}`;

  return {
    async send({ to, body }) {
      let response: Response;
      try {
        response = await fetchFn(url, {
          method: "POST",
          headers: {
            authorization,
            "content-type": "application/x-www-form-urlencoded",
            accept: "application/json",
          },
          body: new URLSearchParams({ To: to, From: options.from, Body: body }).toString(),
          signal: AbortSignal.timeout(timeoutMs),
        });
      } catch (error) {
        if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
          throw new SmsDeliveryError("timeout", `Twilio did not answer within ${timeoutMs} ms`, { cause: error });
        }
        throw new SmsDeliveryError("network", "Could not reach Twilio", { cause: error });
      }
      if (response.ok) {
        // Drain the body so the connection can be reused.
        await response.arrayBuffer().catch(() => undefined);
        return;
      }
      const twilioCode = await readTwilioErrorCode(response);
      const suffix = twilioCode === undefined ? "" : ` (Twilio error ${twilioCode})`;
      throw new SmsDeliveryError("rejected", `Twilio refused the message with HTTP ${response.status}${suffix}`, {
        status: response.status,
      });
    },
  };
}

/** Only the numeric code: Twilio's error text may quote the recipient number. */
async function readTwilioErrorCode(response: Response): Promise<number | undefined> {
  try {
    const payload: unknown = await response.json();
    if (typeof payload === "object" && payload !== null && "code" in payload && typeof payload.code === "number") {
      return payload.code;
    }
  } catch {
    // Not JSON (a proxy's error page, a timeout mid-body): the status is enough.
  }
  return undefined;
}
