import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares two strings in constant time. Both sides are hashed with SHA-256 first so the
 * comparison always runs over 32 bytes: neither the content nor the length of a secret leaks.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const digestA = createHash("sha256").update(a, "utf8").digest();
  const digestB = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(digestA, digestB);
}
