import { createCipheriv, createDecipheriv } from "node:crypto";
import type { RandomSource } from "./random.ts";

/**
 * AES-256-GCM for second-factor secrets at rest, with key ids so keys can be rotated:
 * blobs name the key that sealed them, and a keyring holds the current key plus older ones.
 *
 * Blob format: `v1.<keyId>.<iv>.<ciphertext>.<tag>`, the last three base64url (no padding).
 * IV is 96 bits and the tag 128 bits, as NIST SP 800-38D §5.2.1.1 and §5.2.1.2 recommend.
 */

const VERSION = "v1";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64URL_PATTERN = /^[A-Za-z0-9_-]*$/;

export interface KeyringEntry {
  readonly id: string;
  readonly key: Buffer;
}

export interface Keyring {
  /** The key new blobs are sealed with. */
  readonly current: KeyringEntry;
  /** Every key that may still open a blob, the current one included. */
  readonly keys: ReadonlyMap<string, Buffer>;
}

export type DecryptionFailure = "malformed" | "unknown_key" | "authentication_failed";

/** A blob could not be opened: malformed, sealed with a key we do not hold, or tampered with. */
export class DecryptionError extends Error {
  override readonly name = "DecryptionError";
  constructor(
    readonly reason: DecryptionFailure,
    options?: { cause?: unknown },
  ) {
    super(`Cannot decrypt secret: ${reason}`, options);
  }
}

/** Builds a keyring; the last entry is the current key. Misuse (bad length, bad or duplicate id) throws TypeError. */
export function createKeyring(entries: readonly KeyringEntry[]): Keyring {
  const keys = new Map<string, Buffer>();
  for (const { id, key } of entries) {
    if (!KEY_ID_PATTERN.test(id)) throw new TypeError(`key id must match ${KEY_ID_PATTERN}`);
    if (key.length !== KEY_BYTES) throw new TypeError(`key "${id}" must be exactly ${KEY_BYTES} bytes`);
    if (keys.has(id)) throw new TypeError(`duplicate key id "${id}"`);
    keys.set(id, Buffer.from(key));
  }
  const last = entries.at(-1);
  if (last === undefined) throw new TypeError("a keyring needs at least one key");
  const currentKey = keys.get(last.id);
  if (currentKey === undefined) throw new TypeError("unreachable: current key missing");
  return Object.freeze({ current: Object.freeze({ id: last.id, key: currentKey }), keys });
}

/** Seals `plaintext` with the current key. `aad` (e.g. the user id) must be given again to decrypt. */
export function encryptSecret(keyring: Keyring, plaintext: Buffer | string, random: RandomSource, aad?: string): string {
  const { id, key } = keyring.current;
  const iv = random.bytes(IV_BYTES);
  if (iv.length !== IV_BYTES) throw new TypeError(`random source returned ${iv.length} bytes, expected ${IV_BYTES}`);
  const cipher = createCipheriv("aes-256-gcm", key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(id, aad));
  const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, id, iv.toString("base64url"), ciphertext.toString("base64url"), tag.toString("base64url")].join(".");
}

/** Opens a blob made by `encryptSecret`. Throws DecryptionError; never returns unauthenticated bytes. */
export function decryptSecret(keyring: Keyring, blob: string, aad?: string): Buffer {
  const parts = parseBlob(blob);
  const key = keyring.keys.get(parts.keyId);
  if (key === undefined) throw new DecryptionError("unknown_key");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, parts.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(associatedData(parts.keyId, aad));
    decipher.setAuthTag(parts.tag);
    return Buffer.concat([decipher.update(parts.ciphertext), decipher.final()]);
  } catch (error) {
    throw new DecryptionError("authentication_failed", { cause: error });
  }
}

/** The id of the key that sealed `blob`, to find blobs still sealed with an old key. */
export function keyIdOf(blob: string): string {
  return parseBlob(blob).keyId;
}

/** Binds the format version and key id as well as the caller's data, so no header field can be swapped. */
function associatedData(keyId: string, aad: string | undefined): Buffer {
  return Buffer.from(`${VERSION}.${keyId}\n${aad ?? ""}`, "utf8");
}

interface ParsedBlob {
  keyId: string;
  iv: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
}

function parseBlob(blob: string): ParsedBlob {
  const parts = blob.split(".");
  if (parts.length !== 5) throw new DecryptionError("malformed");
  const [version, keyId, ivText, ciphertextText, tagText] = parts as [string, string, string, string, string];
  if (version !== VERSION || !KEY_ID_PATTERN.test(keyId)) throw new DecryptionError("malformed");
  const iv = decodeBase64url(ivText);
  const ciphertext = decodeBase64url(ciphertextText);
  const tag = decodeBase64url(tagText);
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("malformed");
  return { keyId, iv, ciphertext, tag };
}

/** Node's decoder silently skips invalid characters; be strict instead. */
function decodeBase64url(text: string): Buffer {
  if (!BASE64URL_PATTERN.test(text) || text.length % 4 === 1) throw new DecryptionError("malformed");
  return Buffer.from(text, "base64url");
}
