import proxyAddr from "@fastify/proxy-addr";
import type { Config } from "../../config/config.ts";

/** Is `address` (a connecting peer) one of the TRUST_PROXY proxies? */
export type ProxyTrust = (address: string | undefined) => boolean;

/**
 * The same rule Fastify applies to X-Forwarded-For (its `trustProxy` option, built from the same
 * TRUST_PROXY value with the same library): a comma list of addresses, CIDRs or the names
 * `loopback`, `linklocal`, `uniquelocal`, or a hop count; `false` trusts no one. A proxy's headers about the
 * original request (X-Forwarded-Host, X-Original-URL) are believed only from such an address.
 */
export function proxyTrust(trustProxy: Config["trustProxy"] | readonly string[]): ProxyTrust {
  if (trustProxy === false) return () => false;
  // A hop count trusts that many proxies in front of the portal: the connecting peer is the first.
  if (typeof trustProxy === "number") return (address) => address !== undefined && trustProxy > 0;
  const list = typeof trustProxy === "string" ? trustProxy.split(",").map((item) => item.trim()).filter(Boolean) : [...trustProxy];
  if (list.length === 0) return () => false;
  const trusted = proxyAddr.compile(list);
  return (address) => address !== undefined && trusted(address, 0);
}
