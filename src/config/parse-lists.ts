import { isSupportedCountry } from "libphonenumber-js/max";
import { ConfigError } from "./config-error.ts";

// The settings that are lists or host names: each checked whole, with a one-line error naming the variable.

export function parseCountries(value: string | undefined): readonly string[] | null {
  const text = value?.trim();
  if (!text) return null;
  const codes = text.split(",").map((code) => code.trim().toUpperCase()).filter(Boolean);
  const bad = codes.find((code) => !isSupportedCountry(code));
  if (bad) throw new ConfigError("SMS_ALLOWED_COUNTRIES", `"${bad}" is not an ISO 3166 country code (e.g. GB,IE,US)`);
  return Object.freeze(codes);
}

/**
 * COOKIE_DOMAIN, e.g. `example.com`: a registrable host name (no scheme, port or path) that PUBLIC_URL's
 * host is or lies under — a browser ignores a Set-Cookie whose Domain does not domain-match the host
 * that sets it (RFC 6265 §5.3 step 6).
 */
export function parseCookieDomain(value: string | undefined, publicUrl: URL): string | null {
  const text = value?.trim().toLowerCase().replace(/^\./, "");
  if (!text) return null;
  if (text.length > 253 || !/^(?=.*[a-z])[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(text) || text.split(".").some((label) => !label || label.startsWith("-") || label.endsWith("-"))) {
    throw new ConfigError("COOKIE_DOMAIN", "must be a domain name such as example.com (no scheme, port or path)");
  }
  const host = publicUrl.hostname.toLowerCase();
  if (host !== text && !host.endsWith(`.${text}`)) throw new ConfigError("COOKIE_DOMAIN", `must be PUBLIC_URL's host (${host}) or a parent domain of it`);
  return text;
}

export function parseHostNames(value: string | undefined): string[] {
  const names = (value ?? "").split(",").map((name) => name.trim().toLowerCase()).filter(Boolean);
  const bad = names.find((name) => !/^[a-z0-9]([a-z0-9.-]{0,251}[a-z0-9])?\.?$/.test(name));
  if (bad !== undefined) throw new ConfigError("ALLOWED_HOSTS", `"${bad}" is not a host name (a comma list, e.g. portal.example.com,portal.internal)`);
  return names;
}
