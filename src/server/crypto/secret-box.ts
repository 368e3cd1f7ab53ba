import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * AES-256-GCM for secrets at rest. Each ciphertext carries the id of the key that sealed it,
 * so keys can rotate: the keyring's first key seals, every key in it opens. The associated
 * data binds a ciphertext to its tenant and row, so a ciphertext copied elsewhere won't open.
 */
const ALGORITHM = "aes-256-gcm";
const IV_BYTES = 12;
const KEY_BYTES = 32;
const TAG_BYTES = 16;

export interface Keyring {
  readonly sealingKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export interface Sealed {
  keyId: string;
  iv: Uint8Array;
  ciphertext: Uint8Array;
  authTag: Uint8Array;
}

/** What a ciphertext is bound to; changing any field makes decryption fail. */
export interface SecretBinding {
  tenantId: string;
  secretId: string;
}

export class SecretDecryptionError extends Error {
  constructor(reason: string) {
    super(`Secret could not be decrypted: ${reason}`);
    this.name = "SecretDecryptionError";
  }
}

/** Parses `keyId:base64Key[,keyId:base64Key…]`; the first entry is the sealing key. */
export function parseKeyring(spec: string): Keyring {
  const keys = new Map<string, Buffer>();
  let sealingKeyId: string | undefined;
  for (const entry of spec
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)) {
    const separator = entry.indexOf(":");
    const keyId = entry.slice(0, separator);
    const key = Buffer.from(entry.slice(separator + 1), "base64");
    if (separator <= 0) throw new Error(`Encryption key entry "${keyId || entry.slice(0, 8)}…" has no key id`);
    if (key.length !== KEY_BYTES) {
      throw new Error(`Encryption key "${keyId}" must be ${KEY_BYTES} bytes (base64), got ${key.length}`);
    }
    if (keys.has(keyId)) throw new Error(`Encryption key id "${keyId}" appears twice`);
    keys.set(keyId, key);
    sealingKeyId ??= keyId;
  }
  if (!sealingKeyId) throw new Error("No encryption keys configured");
  return { sealingKeyId, keys };
}

export function generateKeyringEntry(keyId: string): string {
  return `${keyId}:${randomBytes(KEY_BYTES).toString("base64")}`;
}

function associatedData(binding: SecretBinding): Buffer {
  return Buffer.from(`stockhook/secret/v1\u0000${binding.tenantId}\u0000${binding.secretId}`, "utf8");
}

export function seal(keyring: Keyring, plaintext: string, binding: SecretBinding): Sealed {
  const key = keyring.keys.get(keyring.sealingKeyId);
  if (!key) throw new Error(`Sealing key "${keyring.sealingKeyId}" missing from keyring`);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(associatedData(binding));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return { keyId: keyring.sealingKeyId, iv, ciphertext, authTag: cipher.getAuthTag() };
}

export function open(keyring: Keyring, sealed: Sealed, binding: SecretBinding): string {
  const key = keyring.keys.get(sealed.keyId);
  if (!key) throw new SecretDecryptionError(`unknown key id "${sealed.keyId}"`);
  if (sealed.iv.length !== IV_BYTES) throw new SecretDecryptionError("malformed IV");
  if (sealed.authTag.length !== TAG_BYTES) throw new SecretDecryptionError("malformed auth tag");
  const decipher = createDecipheriv(ALGORITHM, key, sealed.iv, { authTagLength: TAG_BYTES });
  decipher.setAAD(associatedData(binding));
  decipher.setAuthTag(sealed.authTag);
  try {
    return Buffer.concat([decipher.update(sealed.ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretDecryptionError("authentication failed (tampered data, wrong key or wrong binding)");
  }
}

/** True when a secret was sealed with a key other than the current sealing key. */
export function needsResealing(keyring: Keyring, sealed: Pick<Sealed, "keyId">): boolean {
  return sealed.keyId !== keyring.sealingKeyId;
}
