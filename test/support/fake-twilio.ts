import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local HTTP server speaking the part of Twilio's Messages API we use:
 * POST /2010-04-01/Accounts/{AccountSid}/Messages.json with basic auth and form fields To, From, Body.
 */

export interface FakeTwilioMessage {
  sid: string;
  to: string;
  from: string;
  body: string;
}

export type FakeTwilioMode = "ok" | "fail" | "hang";

export interface FakeTwilio {
  /** Pass as `apiBase` / TWILIO_API_BASE. */
  readonly apiBase: string;
  readonly accountSid: string;
  readonly authToken: string;
  /** Messages accepted (mode "ok"), oldest first. */
  readonly messages: FakeTwilioMessage[];
  /** Every request seen, accepted or not. */
  readonly requestCount: () => number;
  /** "fail": answer 500; "hang": never answer (to trigger the client's timeout). */
  setMode(mode: FakeTwilioMode): void;
  close(): Promise<void>;
}

export async function startFakeTwilio(
  credentials: { accountSid?: string; authToken?: string } = {},
): Promise<FakeTwilio> {
  const accountSid = credentials.accountSid ?? `AC${randomBytes(16).toString("hex")}`;
  const authToken = credentials.authToken ?? randomBytes(16).toString("hex");
  const messages: FakeTwilioMessage[] = [];
  let mode: FakeTwilioMode = "ok";
  let requests = 0;

  const server = createServer((request, response) => {
    requests += 1;
    void handle(request, response).catch(() => sendJson(response, 500, { code: 20500, message: "Internal Server Error", status: 500 }));
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const form = new URLSearchParams(await readBody(request));
    if (mode === "hang") return;
    if (mode === "fail") return sendJson(response, 500, { code: 20500, message: "Internal Server Error", status: 500 });

    const path = `/2010-04-01/Accounts/${accountSid}/Messages.json`;
    if (request.method !== "POST" || request.url !== path) {
      return sendJson(response, 404, { code: 20404, message: "The requested resource was not found", status: 404 });
    }
    const expected = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
    if (request.headers.authorization !== expected) {
      return sendJson(response, 401, { code: 20003, message: "Authenticate", status: 401 });
    }
    if (!request.headers["content-type"]?.startsWith("application/x-www-form-urlencoded")) {
      return sendJson(response, 400, { code: 20001, message: "Unsupported content type", status: 400 });
    }
    const to = form.get("To");
    const from = form.get("From");
    const body = form.get("Body");
    if (!to || !from || !body) {
      return sendJson(response, 400, { code: 21604, message: "A 'To', 'From' and 'Body' are required", status: 400 });
    }
    const sid = `SM${randomBytes(16).toString("hex")}`;
    messages.push({ sid, to, from, body });
    const now = new Date().toUTCString();
    sendJson(response, 201, {
      sid,
      account_sid: accountSid,
      api_version: "2010-04-01",
      to,
      from,
      body,
      status: "queued",
      num_segments: "1",
      direction: "outbound-api",
      date_created: now,
      date_updated: now,
      date_sent: null,
      error_code: null,
      error_message: null,
      uri: `/2010-04-01/Accounts/${accountSid}/Messages/${sid}.json`,
    });
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    apiBase: `http://127.0.0.1:${port}`,
    accountSid,
    authToken,
    messages,
    requestCount: () => requests,
    setMode(next) {
      mode = next;
    },
    close() {
      // Hanging requests would keep close() waiting forever.
      server.closeAllConnections();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function sendJson(response: ServerResponse, status: number, payload: unknown): void {
  response.writeHead(status, { "content-type": "application/json" });
  response.end(JSON.stringify(payload));
}
