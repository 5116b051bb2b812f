import type { FakeSmtpMessage } from "./fake-smtp.ts";

/** One leaf of a MIME message: its Content-Type (lower case, without parameters) and its decoded text, with LF line ends. */
export interface MimePart {
  contentType: string;
  text: string;
}

function splitHeaders(entity: string): { headers: string; body: string } {
  const at = entity.indexOf("\r\n\r\n");
  if (at === -1) return { headers: entity, body: "" };
  return { headers: entity.slice(0, at).replace(/\r\n[ \t]+/g, " "), body: entity.slice(at + 4) };
}

const header = (headers: string, name: string) => new RegExp(`^${name}:\\s*(.+)$`, "im").exec(headers)?.[1]?.trim();

function decode(body: string, encoding: string | undefined): string {
  if (encoding === "base64") return Buffer.from(body, "base64").toString("utf8");
  if (encoding !== "quoted-printable") return body;
  const soft = body.replace(/=\r\n/g, "");
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i += 1) {
    const hex = soft[i] === "=" ? /^[0-9A-F]{2}/i.exec(soft.slice(i + 1, i + 3))?.[0] : undefined;
    if (hex) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, "utf8"));
  }
  return Buffer.from(bytes).toString("utf8");
}

/** The leaf parts of a raw message (RFC 2046 multipart split at its boundary), or the message itself when single-part. */
export function mimeParts(entity: string): MimePart[] {
  const { headers, body } = splitHeaders(entity);
  const type = header(headers, "content-type") ?? "text/plain";
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (type.toLowerCase().startsWith("multipart/") && boundary) {
    const sections = body.split(`--${boundary}`).slice(1);
    return sections.filter((section) => !section.startsWith("--")).flatMap((section) => mimeParts(section.replace(/^\r\n/, "").replace(/\r\n$/, "")));
  }
  const text = decode(body, header(headers, "content-transfer-encoding")?.toLowerCase()).replace(/\r\n/g, "\n");
  return [{ contentType: type.split(";")[0]!.trim().toLowerCase(), text }];
}

/** The top-level Content-Type of a received message (lower case, without parameters). */
export function contentTypeOf(message: FakeSmtpMessage): string {
  return (header(splitHeaders(message.data).headers, "content-type") ?? "text/plain").split(";")[0]!.trim().toLowerCase();
}

/** The decoded text of the message's part of this type, as a mail client shows it; fails when it has none. */
export function mailPart(message: FakeSmtpMessage, contentType: "text/plain" | "text/html"): string {
  const part = mimeParts(message.data).find((candidate) => candidate.contentType === contentType);
  if (!part) throw new Error(`the message has no ${contentType} part`);
  return part.text;
}
