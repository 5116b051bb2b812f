import type { IncomingHttpHeaders } from "node:http";

/** Longer originals are refused (the proxies' own limits on a request line are 8–64 KiB). */
const ORIGINAL_URL_MAX_LENGTH = 8192;
const HOST_PATTERN = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
// biome-ignore lint: control characters are exactly what this refuses
const UNSAFE = /[\u0000-\u0020\u007f\\]/;

export type ForwardedTarget = { ok: true; url: URL } | { ok: false; reason: "missing_headers" | "malformed_headers" };

/** A header the proxy sent once; a repeated one (or a comma list where none belongs) is ambiguous: null. */
function single(value: string | string[] | undefined, commas = false): string | null | undefined {
  if (value === undefined) return undefined;
  if (Array.isArray(value) || (!commas && value.includes(","))) return null;
  return value.trim();
}

/**
 * The address the user asked the reverse proxy for, from the proxy's headers: nginx's
 * `X-Original-URL`, or `X-Forwarded-Proto` + `X-Forwarded-Host` + `X-Forwarded-Uri` (Caddy's
 * forward_auth, Traefik's ForwardAuth; a missing Uri means "/"). Only an http(s) URL whose parsed host
 * is exactly the header's host is accepted: `X-Forwarded-Uri: @evil.example` cannot change the host.
 * The caller has already checked that the headers come from a trusted proxy.
 */
export function forwardedTarget(headers: IncomingHttpHeaders): ForwardedTarget {
  const original = single(headers["x-original-url"], true);
  if (original !== undefined) {
    if (original === null || original.length > ORIGINAL_URL_MAX_LENGTH || UNSAFE.test(original) || !/^https?:\/\/[^/?#@]+(?:[/?].*)?$/i.test(original) || !URL.canParse(original)) return { ok: false, reason: "malformed_headers" };
    return { ok: true, url: new URL(original) };
  }
  const proto = single(headers["x-forwarded-proto"]);
  const host = single(headers["x-forwarded-host"]);
  const uri = single(headers["x-forwarded-uri"], true) ?? "/";
  if (proto === null || host === null || uri === null) return { ok: false, reason: "malformed_headers" };
  if (!proto || !host) return { ok: false, reason: "missing_headers" };
  const scheme = proto.toLowerCase();
  if ((scheme !== "http" && scheme !== "https") || !HOST_PATTERN.test(host) || !uri.startsWith("/") || UNSAFE.test(uri)) return { ok: false, reason: "malformed_headers" };
  const text = `${scheme}://${host}${uri}`;
  if (text.length > ORIGINAL_URL_MAX_LENGTH || !URL.canParse(text)) return { ok: false, reason: "malformed_headers" };
  const url = new URL(text);
  if (url.hostname !== new URL(`${scheme}://${host}`).hostname) return { ok: false, reason: "malformed_headers" };
  return { ok: true, url };
}
