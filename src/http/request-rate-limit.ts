import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import { Redis } from "ioredis";
import type { Config } from "../config/config.ts";

/**
 * A coarse per-IP cap on form posts (RATE_LIMIT_POSTS_PER_MINUTE, default 600 — ten a second, far
 * above an office of people signing in, far below a scripted attack). With REDIS_URL the count is
 * shared by every instance; without it each process counts alone. The security throttles (failures
 * per account, per IP, SMS) live in the database and do not depend on this.
 */
export async function registerRequestRateLimit(app: FastifyInstance, config: Config, redis: Redis | null): Promise<void> {
  if (config.postsPerMinute === 0) return;
  await app.register(rateLimit, {
    global: true,
    max: config.postsPerMinute,
    timeWindow: 60_000,
    keyGenerator: (request) => request.limitGroup || request.ip,
    allowList: (request) => request.method !== "POST",
    ...(redis ? { redis, nameSpace: "gatehouse:posts:" } : {}),
    // A Redis outage must not take sign-in down with it.
    skipOnError: true,
  });
}

/** The shared client: fails fast instead of queueing commands while Redis is away. */
export function connectRedis(url: string): Redis {
  const client = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2_000 });
  client.on("error", () => {}); // reconnects by itself; requests meanwhile are not limited (skipOnError)
  return client;
}
