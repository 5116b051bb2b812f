import { createServer, type AddressInfo, type Socket } from "node:net";

/**
 * A minimal plaintext SMTP server (RFC 5321 subset: greeting, EHLO/HELO, MAIL, RCPT, DATA, RSET,
 * NOOP, QUIT) that records what it receives. It does not offer STARTTLS or AUTH.
 */

export interface FakeSmtpMessage {
  from: string;
  to: string[];
  /** The raw message (headers and body), dot-unstuffed, with CRLF line endings. */
  data: string;
  /** The Subject header, unfolded (not MIME-decoded). */
  subject: string | undefined;
}

export interface FakeSmtp {
  /** `smtp://127.0.0.1:<port>` */
  readonly url: string;
  readonly messages: FakeSmtpMessage[];
  close(): Promise<void>;
}

/** `port`: listen on this port (e.g. to bring a stopped server back at the address the app knows); default any free one. */
export async function startFakeSmtp(options: { port?: number } = {}): Promise<FakeSmtp> {
  const messages: FakeSmtpMessage[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    serveSession(socket, (message) => messages.push(message));
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

function serveSession(socket: Socket, onMessage: (message: FakeSmtpMessage) => void): void {
  let buffer = "";
  let inData = false;
  let dataLines: string[] = [];
  let from: string | null = null;
  let to: string[] = [];
  const reply = (line: string): void => void socket.write(`${line}\r\n`);

  reply("220 fake-smtp.test ESMTP ready");
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    let end: number;
    while ((end = buffer.indexOf("\r\n")) !== -1) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (inData) {
        if (line === ".") {
          inData = false;
          const data = dataLines.join("\r\n");
          onMessage({ from: from ?? "", to, data, subject: headerOf(data, "subject") });
          from = null;
          to = [];
          reply("250 2.0.0 OK: queued");
        } else {
          dataLines.push(line.startsWith(".") ? line.slice(1) : line);
        }
        continue;
      }
      const verb = line.slice(0, 4).toUpperCase();
      if (verb === "EHLO") reply("250-fake-smtp.test\r\n250-8BITMIME\r\n250 SMTPUTF8");
      else if (verb === "HELO") reply("250 fake-smtp.test");
      else if (verb === "MAIL") {
        from = addressIn(line);
        to = [];
        reply("250 2.1.0 OK");
      } else if (verb === "RCPT") {
        if (from === null) reply("503 5.5.1 MAIL first");
        else {
          to.push(addressIn(line));
          reply("250 2.1.5 OK");
        }
      } else if (verb === "DATA") {
        if (to.length === 0) reply("503 5.5.1 RCPT first");
        else {
          inData = true;
          dataLines = [];
          reply("354 End data with <CR><LF>.<CR><LF>");
        }
      } else if (verb === "RSET") {
        from = null;
        to = [];
        reply("250 2.0.0 OK");
      } else if (verb === "NOOP") reply("250 2.0.0 OK");
      else if (verb === "QUIT") {
        reply("221 2.0.0 Bye");
        socket.end();
      } else reply("502 5.5.2 Command not implemented");
    }
  });
}

/** The address between angle brackets in `MAIL FROM:<a@b> SIZE=…` / `RCPT TO:<a@b>`. */
function addressIn(line: string): string {
  return /<([^>]*)>/.exec(line)?.[1] ?? "";
}

function headerOf(data: string, name: string): string | undefined {
  const headerBlock = data.split("\r\n\r\n", 1)[0] ?? "";
  const unfolded = headerBlock.replace(/\r\n[ \t]+/g, " ");
  const prefix = `${name.toLowerCase()}:`;
  const line = unfolded.split("\r\n").find((candidate) => candidate.toLowerCase().startsWith(prefix));
  return line?.slice(prefix.length).trim();
}
