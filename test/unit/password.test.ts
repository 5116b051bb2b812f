import { availableParallelism } from "node:os";
import { describe, expect, test } from "vitest";
import { argon2Load, hashPassword, verifyPassword } from "../../src/auth/password.ts";

describe("verifyPassword()", () => {
  test("hands libuv at most one argon2id computation per core and one to queue; the others wait their turn and all finish", async () => {
    const stored = await hashPassword("a long enough passphrase");
    const cores = availableParallelism();
    const all = Array.from({ length: cores * 3 }, (_, i) => verifyPassword(stored, i % 2 === 0 ? "a long enough passphrase" : "a wrong passphrase"));
    const load = argon2Load();
    expect(load.slots).toBe(cores + 1);
    expect(load.running).toBe(cores + 1);
    expect(load.running + load.waiting).toBe(cores * 3);
    const results = await Promise.all(all);
    expect(results).toEqual(Array.from({ length: cores * 3 }, (_, i) => i % 2 === 0));
    expect(argon2Load()).toMatchObject({ running: 0, waiting: 0 });
  });

  test("a malformed stored hash never signs anyone in, and frees its slot", async () => {
    expect(await verifyPassword("not-a-phc-string", "anything at all")).toBe(false);
    expect(argon2Load()).toMatchObject({ running: 0, waiting: 0 });
  });
});
