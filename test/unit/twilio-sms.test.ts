import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { SmsDeliveryError } from "../../src/auth/sms-sender.port.ts";
import { createTwilioSms } from "../../src/adapters/sms/twilio-sms.ts";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio.ts";

const message = { to: "+33612345678", body: "Your Gatehouse code is 123456" };

async function deliveryError(promise: Promise<unknown>): Promise<SmsDeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SmsDeliveryError) return error;
    throw error;
  }
  throw new Error("expected an SmsDeliveryError");
}

describe("createTwilioSms()", () => {
  let twilio: FakeTwilio;
  beforeEach(async () => {
    twilio = await startFakeTwilio();
  });
  afterEach(async () => {
    await twilio.close();
  });

  const sender = (overrides: { authToken?: string; timeoutMs?: number } = {}) =>
    createTwilioSms({
      accountSid: twilio.accountSid,
      authToken: overrides.authToken ?? twilio.authToken,
      from: "+15005550006",
      apiBase: twilio.apiBase,
      timeoutMs: overrides.timeoutMs ?? 2000,
    });

  test("posts To, From and Body to the Messages API with basic auth", async () => {
    await sender().send(message);
    expect(twilio.messages).toEqual([
      { sid: expect.stringMatching(/^SM[0-9a-f]{32}$/), to: "+33612345678", from: "+15005550006", body: message.body },
    ]);
  });

  test("a wrong token is refused; the error has the status and never the body or number", async () => {
    const error = await deliveryError(sender({ authToken: "wrong" }).send(message));
    expect(error.reason).toBe("rejected");
    expect(error.status).toBe(401);
    expect(error.message).toContain("20003");
    expect(error.message).not.toContain("123456");
    expect(error.message).not.toContain("+33612345678");
    expect(twilio.messages).toHaveLength(0);
  });

  test("a 500 from the provider becomes an SmsDeliveryError without the code", async () => {
    twilio.setMode("fail");
    const error = await deliveryError(sender().send(message));
    expect(error.reason).toBe("rejected");
    expect(error.status).toBe(500);
    expect(error.message).not.toContain("123456");
  });

  test("a provider that never answers times out", async () => {
    twilio.setMode("hang");
    const error = await deliveryError(sender({ timeoutMs: 200 }).send(message));
    expect(error.reason).toBe("timeout");
    expect(error.message).not.toContain("123456");
    expect(twilio.requestCount()).toBe(1);
  });

  test("an unreachable provider is a network error", async () => {
    const unreachable = createTwilioSms({
      accountSid: twilio.accountSid,
      authToken: twilio.authToken,
      from: "+15005550006",
      apiBase: "http://127.0.0.1:1",
    });
    const error = await deliveryError(unreachable.send(message));
    expect(error.reason).toBe("network");
    expect(error.message).not.toContain("123456");
  });

  test("uses the injected fetch and Twilio's public API by default", async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const fetchSpy: typeof globalThis.fetch = async (input, init) => {
      calls.push({ url: String(input), init });
      return new Response(JSON.stringify({ sid: "SM1" }), { status: 201 });
    };
    await createTwilioSms({ accountSid: "AC123", authToken: "tok", from: "+15005550006", fetch: fetchSpy }).send(message);
    expect(calls[0]?.url).toBe("https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json");
    expect(new Headers(calls[0]?.init?.headers).get("authorization")).toBe(`Basic ${Buffer.from("AC123:tok").toString("base64")}`);
  });
});
