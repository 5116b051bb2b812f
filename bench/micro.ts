/**
 * The physical limits, measured in a process of their own (no server running), printed as one JSON line:
 * (a) argon2id verifications a second at ARGON2ID_OPTIONS, on one core and on every core: @node-rs/argon2's
 *     own verify() (not the portal's, which queues them one per core), with as many calls at once as
 *     there are cores and as libuv's 4 threads; the better of the two is the machine's limit;
 * (f) TOTP verifications a second on one core (verifyTotp, and with the AES-GCM decryption of the key).
 * With the argument `argon2`, only the all-cores argon2id figure (measured again on each side of each
 * sign-in load); `argon2 N`, only with N calls at once.
 */
import { availableParallelism } from "node:os";
import { verify } from "@node-rs/argon2";
import { hashPassword } from "../src/auth/password.ts";
import { readTotpSecret } from "../src/auth/second-factor.ts";
import { generateTotpCode, totpStepAt, verifyTotp } from "../src/auth/totp.ts";
import { createKeyring, encryptSecret } from "../src/crypto/encryption.ts";
import { cryptoRandom } from "../src/crypto/random.ts";
import type { SecondFactor } from "../src/db/schema.ts";

const ARGON2_WARMUP_MS = 300;
const ARGON2_MEASURE_MS = 2_500;
const TOTP_MEASURE_MS = 1_500;

export interface Argon2Result {
  argon2PerSecondAllCores: number;
  /** Calls at once that gave argon2PerSecondAllCores. */
  argon2Concurrency: number;
  /** Verifications per CPU second of this process: what a busy machine changes least. */
  argon2PerCpuSecond: number;
}

export interface MicroResult extends Argon2Result {
  argon2PerSecondOneCore: number;
  argon2MsPerVerify: number;
  totpVerifyPerSecondOneCore: number;
  totpVerifyWithDecryptPerSecondOneCore: number;
}

async function argon2Rate(passwordHash: string, password: string, concurrency: number, durationMs: number): Promise<{ perSecond: number; perCpuSecond: number }> {
  let count = 0;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const end = started + durationMs;
  const loop = async () => {
    while (performance.now() < end) {
      if (!(await verify(passwordHash, password))) throw new Error("argon2 verification failed");
      count += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const cpu = process.cpuUsage(cpuBefore);
  return { perSecond: count / ((performance.now() - started) / 1000), perCpuSecond: count / ((cpu.user + cpu.system) / 1e6) };
}

/** Runs `check` in a tight loop for `durationMs`; returns calls a second on this one thread. */
function loopRate(durationMs: number, check: (nowMs: number) => boolean): number {
  let count = 0;
  const started = performance.now();
  const end = started + durationMs;
  while (performance.now() < end) {
    for (let i = 0; i < 100; i += 1) {
      if (!check(Date.now())) throw new Error("TOTP verification failed");
    }
    count += 100;
  }
  return count / ((performance.now() - started) / 1000);
}

const PASSWORD = "bench micro password 7";
/**
 * One call per core, and libuv's default pool of 4 full. argon2id is memory-bound: on 2 cores, 4 at once
 * thrash the caches (≈ 260/s against ≈ 320/s), so the limit is the better of the two.
 */
const CONCURRENCIES = [...new Set([availableParallelism(), 4])];

async function argon2AllCores(passwordHash: string, concurrencies = CONCURRENCIES): Promise<Argon2Result> {
  let best: Argon2Result = { argon2PerSecondAllCores: 0, argon2PerCpuSecond: 0, argon2Concurrency: 0 };
  for (const concurrency of concurrencies) {
    await argon2Rate(passwordHash, PASSWORD, concurrency, ARGON2_WARMUP_MS);
    const rate = await argon2Rate(passwordHash, PASSWORD, concurrency, ARGON2_MEASURE_MS);
    if (rate.perSecond > best.argon2PerSecondAllCores) best = { argon2PerSecondAllCores: rate.perSecond, argon2PerCpuSecond: rate.perCpuSecond, argon2Concurrency: concurrency };
  }
  return best;
}

async function main(): Promise<void> {
  const passwordHash = await hashPassword(PASSWORD);
  if (process.argv[2] === "argon2") {
    // `argon2 N`: only with N calls at once (the best found at the start), to measure again quickly.
    const only = Number(process.argv[3]);
    process.stdout.write(`${JSON.stringify(await argon2AllCores(passwordHash, only > 0 ? [only] : CONCURRENCIES))}\n`);
    return;
  }
  const allCores = await argon2AllCores(passwordHash);
  const oneCore = (await argon2Rate(passwordHash, PASSWORD, 1, ARGON2_MEASURE_MS)).perSecond;

  const secret = cryptoRandom.bytes(20);
  let codeStep = -1;
  let code = "";
  const currentCode = (nowMs: number) => {
    const step = totpStepAt(nowMs);
    if (step !== codeStep) [codeStep, code] = [step, generateTotpCode({ secret, nowMs })];
    return code;
  };
  const totpOnly = loopRate(TOTP_MEASURE_MS, (nowMs) => verifyTotp({ secret, code: currentCode(nowMs), nowMs, lastUsedStep: null }).ok);

  const keyring = createKeyring([{ id: "k1", key: cryptoRandom.bytes(32) }]);
  const factorId = "bench-factor";
  const factor = { id: factorId, totp_secret_enc: encryptSecret(keyring, secret, cryptoRandom, factorId) } as SecondFactor;
  const withDecrypt = loopRate(TOTP_MEASURE_MS, (nowMs) => verifyTotp({ secret: readTotpSecret(keyring, factor), code: currentCode(nowMs), nowMs, lastUsedStep: null }).ok);

  const result: MicroResult = {
    ...allCores,
    argon2PerSecondOneCore: oneCore,
    argon2MsPerVerify: 1000 / oneCore,
    totpVerifyPerSecondOneCore: totpOnly,
    totpVerifyWithDecryptPerSecondOneCore: withDecrypt,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
