import { isIPv4, isIPv6 } from "node:net";
import type { FastifyInstance } from "fastify";
import type { Config } from "../../config/config.ts";

declare module "fastify" {
  interface FastifyRequest {
    /** The client's address as per-IP limits count it: IPv4 as is, IPv6 by its network (IPV6_LIMIT_PREFIX). */
    limitGroup: string;
  }
}

/** The eight 16-bit groups of an IPv6 address (zone dropped, embedded IPv4 read), or null. */
function hextets(address: string): number[] | null {
  let text = address.replace(/%.*$/, "");
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (v4) {
    const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
    text = `${text.slice(0, -v4.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const parse = (part: string) => (part ? part.split(":").map((group) => Number.parseInt(group, 16)) : []);
  const front = parse(head);
  const back = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? front : [...front, ...Array<number>(8 - front.length - back.length).fill(0), ...back];
  return groups.length === 8 && groups.every((group) => Number.isInteger(group) && group >= 0 && group <= 0xffff) ? groups : null;
}

/**
 * One network hands out a whole /64 to each customer (RFC 6177): counting IPv6 addresses one by one
 * would let one client rotate through 2^64 of them past every per-IP limit. IPv4-mapped addresses
 * count as their IPv4 address.
 */
export function limitGroupOf(ip: string, v6Prefix: number): string {
  if (isIPv4(ip) || !isIPv6(ip.replace(/%.*$/, ""))) return ip;
  const groups = hextets(ip);
  if (!groups) return ip;
  if (groups.slice(0, 5).every((group) => group === 0) && groups[5] === 0xffff) return `${groups[6]! >> 8}.${groups[6]! & 0xff}.${groups[7]! >> 8}.${groups[7]! & 0xff}`;
  const masked = groups.map((group, index) => {
    const bits = Math.max(0, Math.min(16, v6Prefix - index * 16));
    return bits === 0 ? 0 : group & ((0xffff << (16 - bits)) & 0xffff);
  });
  return `${masked.map((group) => group.toString(16)).join(":")}/${v6Prefix}`;
}

export function registerLimitGroup(app: FastifyInstance, config: Config): void {
  app.decorateRequest("limitGroup", "");
  app.addHook("onRequest", async (request) => {
    request.limitGroup = limitGroupOf(request.ip, config.ipv6LimitPrefix);
  });
}
