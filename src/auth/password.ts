import { availableParallelism } from "node:os";
import { performance } from "node:perf_hooks";
import { type Algorithm, hash, verify } from "@node-rs/argon2";
import { isCommonPassword } from "./common-passwords.ts";
import { type Admission, type HashTicket, HashQueue, type Lane } from "./hash-queue.ts";

/**
 * argon2id at m=19456 KiB, t=2, p=1: the OWASP Password Storage Cheat Sheet's first recommended
 * configuration. Stored as the PHC string, so parameters can be raised later and old hashes still verify.
 */
export const ARGON2ID_OPTIONS = {
  algorithm: 2 as Algorithm, // Argon2id (a const enum in the typings, so spelled as its value)
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const;

/**
 * argon2id computations handed to libuv's threadpool at once: one per core, plus one waiting in the
 * pool's queue so that a core that finishes picks up the next without waiting for the event loop.
 * Each holds 19 MiB and is memory-bound: on 2 cores, 4 computing at once verified 260 a second against
 * 319 with 2 (the caches thrash), so bin/gatehouse.cjs sizes the pool to the cores. The rest wait in
 * HashQueue's per-client flows, without holding memory; sign-ins that would wait too long are shed.
 */
let argon2Slots = new HashQueue({ slots: availableParallelism() + 1, now: () => performance.now() });

/** Runs an argon2 computation in the same bounded queue as passwords (recovery codes share the cores). */
export function inArgon2Slot<T>(work: () => Promise<T>): Promise<T> {
  return inTurn(SHARED, work);
}

/** argon2id computations running and waiting, and the moving mean of one computation's time. */
export function argon2Load(): ReturnType<HashQueue["load"]> {
  return argon2Slots.load();
}

/** Tests put a queue of their own in front of argon2id (a fake clock, one slot) and put the old one back. */
export function replaceArgon2Queue(queue: HashQueue): HashQueue {
  const previous = argon2Slots;
  argon2Slots = queue;
  return previous;
}

/**
 * A sign-in's place in the queue, asked for before it touches the database: refused at once when the
 * verification would not finish within `maxWaitMs` (PORTAL.md §7: 2 s). `flow` is flowKeyOf(ip).
 */
export function admitSignIn(flow: string, maxWaitMs: number, lane: Lane = "open"): Admission {
  return argon2Slots.admit(flow, maxWaitMs, lane);
}

/** Where a computation waits: an admitted sign-in's ticket, or the flow of whoever asked (default: one shared flow). */
export type HashTurn = { ticket: HashTicket } | { flow: string };
const inTurn = <T>(turn: HashTurn, task: () => Promise<T>): Promise<T> => ("ticket" in turn ? turn.ticket.run(task) : argon2Slots.run(turn.flow, task));
const SHARED: HashTurn = { flow: "-" };

// NIST SP 800-63B §3.1.1.2: at least 8 characters, allow at least 64; we allow 128 and never truncate.
export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 128;

export type PasswordProblem = "too_short" | "too_long" | "too_common";

/** Length is counted in Unicode code points, as a person counts characters. */
export function checkPasswordRules(password: string): PasswordProblem | null {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) return "too_short";
  if (length > PASSWORD_MAX_LENGTH) return "too_long";
  if (isCommonPassword(password)) return "too_common";
  return null;
}

export function hashPassword(password: string, turn: HashTurn = SHARED): Promise<string> {
  return inTurn(turn, () => hash(password.normalize("NFKC"), ARGON2ID_OPTIONS));
}

export async function verifyPassword(passwordHash: string, password: string, turn: HashTurn = SHARED): Promise<boolean> {
  try {
    return await inTurn(turn, () => verify(passwordHash, password.normalize("NFKC")));
  } catch {
    return false; // a malformed stored hash never signs anyone in
  }
}

let dummyHash: Promise<string> | null = null;

/**
 * Spends the same work as a real verification when there is no user or no password, so an unknown
 * email and a wrong password take comparable time (no account enumeration, OWASP ASVS 2.2).
 */
export async function verifyAgainstDummy(password: string, turn: HashTurn = SHARED): Promise<false> {
  dummyHash ??= hashPassword("gatehouse-dummy-password-for-timing");
  await verifyPassword(await dummyHash, password, turn);
  return false;
}
