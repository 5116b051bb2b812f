import { isIP } from "node:net";
import { ConfigError } from "./config-error.ts";

const PROXY_RANGE_NAMES = new Set(["loopback", "linklocal", "uniquelocal"]);

function isAddressOrCidr(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = "", prefix, ...rest] = entry.split("/");
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  return /^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Whose X-Forwarded-For is believed. `true` would believe every hop: the left-most address, which the
 * client writes itself, would become the address every per-IP limit counts (OWASP ASVS 13.1: trust
 * only known intermediaries). So: the proxy's addresses/CIDRs, or a hop count.
 */
export function parseTrustProxy(value: string): false | number | string {
  if (value === "false") return false;
  if (value === "true") throw new ConfigError("TRUST_PROXY", "true would believe any client's X-Forwarded-For; set your proxy's address or CIDR (e.g. 10.0.0.2 or 172.16.0.0/12) or a hop count (e.g. 1)");
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    if (hops < 1 || hops > 10) throw new ConfigError("TRUST_PROXY", "a hop count must be from 1 to 10 (or give the proxy's address or CIDR)");
    return hops;
  }
  const entries = value.split(",").map((entry) => entry.trim()).filter(Boolean);
  const bad = entries.find((entry) => !isAddressOrCidr(entry));
  if (bad !== undefined || entries.length === 0) throw new ConfigError("TRUST_PROXY", `"${bad ?? value}" is not an address or CIDR; set your proxy's address or CIDR (e.g. 10.0.0.2 or 172.16.0.0/12) or a hop count (e.g. 1)`);
  return entries.join(",");
}

/** Fastify's trustProxy for a parsed TRUST_PROXY: a hop count becomes "trust the n nearest hops". */
export function fastifyTrustProxy(value: false | number | string): boolean | string | ((address: string, hop: number) => boolean) {
  return typeof value === "number" ? (_address, hop) => hop < value : value;
}
