import { describe, expect, test } from "vitest";
import {
  DecryptionError,
  createKeyring,
  decryptSecret,
  encryptSecret,
  keyIdOf,
  type Keyring,
} from "../../src/crypto/encryption.ts";
import { cryptoRandom, type RandomSource } from "../../src/crypto/random.ts";

const keyA = Buffer.alloc(32, 0xa1);
const keyB = Buffer.alloc(32, 0xb2);
const secret = Buffer.from("12345678901234567890", "ascii");

function decryptionFailure(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof DecryptionError) return error.reason;
    throw error;
  }
  throw new Error("expected a DecryptionError");
}

/** Replaces the field at `index` of a blob with `transform(field bytes)`. */
function tamper(blob: string, index: number, transform: (bytes: Buffer) => Buffer): string {
  const parts = blob.split(".");
  parts[index] = transform(Buffer.from(parts[index] ?? "", "base64url")).toString("base64url");
  return parts.join(".");
}

function flipFirstByte(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  copy[0] = (copy[0] ?? 0) ^ 0x01;
  return copy;
}

describe("createKeyring()", () => {
  test("the last entry is the current key and every key is kept", () => {
    const keyring = createKeyring([{ id: "2024", key: keyA }, { id: "2025", key: keyB }]);
    expect(keyring.current.id).toBe("2025");
    expect([...keyring.keys.keys()]).toEqual(["2024", "2025"]);
  });

  test("throws TypeError for a key that is not 32 bytes", () => {
    expect(() => createKeyring([{ id: "k1", key: Buffer.alloc(16) }])).toThrow(TypeError);
    expect(() => createKeyring([{ id: "k1", key: Buffer.alloc(33) }])).toThrow(TypeError);
  });

  test("throws TypeError for no keys, a duplicate id, or an id with a dot", () => {
    expect(() => createKeyring([])).toThrow(TypeError);
    expect(() => createKeyring([{ id: "k1", key: keyA }, { id: "k1", key: keyB }])).toThrow(TypeError);
    expect(() => createKeyring([{ id: "k.1", key: keyA }])).toThrow(TypeError);
  });

  test("later changes to the caller's buffer do not change the keyring", () => {
    const key = Buffer.from(keyA);
    const keyring = createKeyring([{ id: "k1", key }]);
    const blob = encryptSecret(keyring, secret, cryptoRandom);
    key.fill(0);
    expect(decryptSecret(keyring, blob)).toEqual(secret);
  });
});

describe("encryptSecret()", () => {
  const keyring = createKeyring([{ id: "k1", key: keyA }]);

  test("produces v1.<keyId>.<iv>.<ciphertext>.<tag> with a 12-byte IV from the random source and a 16-byte tag", () => {
    const fixedIv = Buffer.from("000102030405060708090a0b", "hex");
    const random: RandomSource = { bytes: () => Buffer.from(fixedIv), int: () => 0 };
    const blob = encryptSecret(keyring, secret, random);
    const [version, keyId, iv, ciphertext, tag] = blob.split(".");
    expect(version).toBe("v1");
    expect(keyId).toBe("k1");
    expect(Buffer.from(iv ?? "", "base64url")).toEqual(fixedIv);
    expect(Buffer.from(ciphertext ?? "", "base64url")).toHaveLength(secret.length);
    expect(Buffer.from(tag ?? "", "base64url")).toHaveLength(16);
  });

  test("two encryptions of the same secret differ (fresh IV)", () => {
    expect(encryptSecret(keyring, secret, cryptoRandom)).not.toBe(encryptSecret(keyring, secret, cryptoRandom));
  });

  test("throws TypeError when the random source returns the wrong IV length", () => {
    const short: RandomSource = { bytes: () => Buffer.alloc(8), int: () => 0 };
    expect(() => encryptSecret(keyring, secret, short)).toThrow(TypeError);
  });
});

describe("decryptSecret()", () => {
  const keyring = createKeyring([{ id: "k1", key: keyA }]);
  const blob = encryptSecret(keyring, secret, cryptoRandom, "user-1");

  test("round-trips a Buffer and a string", () => {
    expect(decryptSecret(keyring, blob, "user-1")).toEqual(secret);
    const text = encryptSecret(keyring, "héllo", cryptoRandom);
    expect(decryptSecret(keyring, text).toString("utf8")).toBe("héllo");
  });

  test("round-trips an empty secret", () => {
    expect(decryptSecret(keyring, encryptSecret(keyring, Buffer.alloc(0), cryptoRandom))).toEqual(Buffer.alloc(0));
  });

  test("detects a flipped byte in the ciphertext, the tag or the IV", () => {
    for (const index of [2, 3, 4]) {
      expect(decryptionFailure(() => decryptSecret(keyring, tamper(blob, index, flipFirstByte), "user-1"))).toBe(
        "authentication_failed",
      );
    }
  });

  test("detects other associated data (a secret moved to another user)", () => {
    expect(decryptionFailure(() => decryptSecret(keyring, blob, "user-2"))).toBe("authentication_failed");
    expect(decryptionFailure(() => decryptSecret(keyring, blob))).toBe("authentication_failed");
  });

  test("refuses a blob sealed with a key id it does not hold", () => {
    const other = createKeyring([{ id: "k9", key: keyA }]);
    expect(decryptionFailure(() => decryptSecret(other, blob, "user-1"))).toBe("unknown_key");
  });

  test("refuses a blob relabelled with another key id that holds the same key bytes", () => {
    const twoIds = createKeyring([{ id: "k1", key: keyA }, { id: "k2", key: keyA }]);
    const relabelled = blob.replace(".k1.", ".k2.");
    expect(decryptionFailure(() => decryptSecret(twoIds, relabelled, "user-1"))).toBe("authentication_failed");
  });

  test("refuses malformed input", () => {
    const [, keyId, iv, ciphertext, tag] = blob.split(".");
    const malformed = [
      "",
      "not a blob",
      `v2.${keyId}.${iv}.${ciphertext}.${tag}`,
      `v1.${keyId}.${iv}.${ciphertext}`,
      `v1.${keyId}.${iv}.${ciphertext}.${tag}.extra`,
      `v1.${keyId}.${iv}.${ciphertext}.${tag}!`,
      `v1.${keyId}.AAAA.${ciphertext}.${tag}`,
      `v1.${keyId}.${iv}.${ciphertext}.AAAA`,
    ];
    for (const input of malformed) expect(decryptionFailure(() => decryptSecret(keyring, input))).toBe("malformed");
  });
});

describe("keyIdOf()", () => {
  test("names the key that sealed the blob", () => {
    const keyring = createKeyring([{ id: "2025-01", key: keyA }]);
    expect(keyIdOf(encryptSecret(keyring, secret, cryptoRandom))).toBe("2025-01");
  });

  test("throws DecryptionError on malformed input", () => {
    expect(() => keyIdOf("garbage")).toThrow(DecryptionError);
  });
});

describe("key rotation", () => {
  test("a rotated keyring opens old blobs and seals new ones with the new key", () => {
    const before: Keyring = createKeyring([{ id: "old", key: keyA }]);
    const oldBlob = encryptSecret(before, secret, cryptoRandom, "user-1");

    const after = createKeyring([{ id: "old", key: keyA }, { id: "new", key: keyB }]);
    expect(decryptSecret(after, oldBlob, "user-1")).toEqual(secret);

    const newBlob = encryptSecret(after, decryptSecret(after, oldBlob, "user-1"), cryptoRandom, "user-1");
    expect(keyIdOf(newBlob)).toBe("new");
    expect(decryptionFailure(() => decryptSecret(before, newBlob, "user-1"))).toBe("unknown_key");
  });
});
