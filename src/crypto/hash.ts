import { hash } from "node:crypto";
import { constantTimeEqual } from "./compare.ts";

/**
 * SHA-256 of the UTF-8 bytes of `value`, as 64 lowercase hex characters. crypto.hash (Node 20.12+) is
 * the one-shot form: every authenticated request hashes its session token, and createHash's object
 * cost 4–5 µs of that request's event loop (bench/README.md).
 */
export function sha256Hex(value: string): string {
  return hash("sha256", value, "hex");
}

/**
 * The stored form of an SMS / reset code. The challenge id is mixed in so the same code in two
 * challenges never has the same hash, and a hash cannot be moved from one challenge to another.
 */
export function hashChallengeCode(challengeId: string, code: string): string {
  return sha256Hex(`${challengeId}:${code}`);
}

/** Whether `code` is the one whose hash was stored for `challengeId` (constant-time compare). */
export function verifyChallengeCode(challengeId: string, code: string, storedHash: string): boolean {
  return constantTimeEqual(hashChallengeCode(challengeId, code), storedHash);
}
