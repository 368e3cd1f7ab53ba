import { describe, expect, it } from "vitest";
import {
  generateKeyringEntry,
  needsResealing,
  open,
  parseKeyring,
  seal,
  SecretDecryptionError,
  type Sealed,
} from "./secret-box";

const binding = { tenantId: "tenant_a", secretId: "secret_1" };
const keyring = parseKeyring(`${generateKeyringEntry("k2")},${generateKeyringEntry("k1")}`);

function flipFirstBit(bytes: Uint8Array): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[0] = copy[0]! ^ 0x01;
  return copy;
}

describe("secret box (AES-256-GCM)", () => {
  it("round-trips and never stores the plaintext", () => {
    const sealed = seal(keyring, "whsec_super-secret", binding);
    expect(sealed.keyId).toBe("k2");
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.authTag).toHaveLength(16);
    expect(Buffer.from(sealed.ciphertext).toString("utf8")).not.toContain("super-secret");
    expect(open(keyring, sealed, binding)).toBe("whsec_super-secret");
  });

  it("uses a fresh random IV for every encryption", () => {
    const ivs = new Set(
      Array.from({ length: 50 }, () => Buffer.from(seal(keyring, "same", binding).iv).toString("hex")),
    );
    expect(ivs.size).toBe(50);
  });

  it.each<[string, (s: Sealed) => Sealed]>([
    ["IV", (s) => ({ ...s, iv: flipFirstBit(s.iv) })],
    ["auth tag", (s) => ({ ...s, authTag: flipFirstBit(s.authTag) })],
    ["ciphertext", (s) => ({ ...s, ciphertext: flipFirstBit(s.ciphertext) })],
    ["truncated tag", (s) => ({ ...s, authTag: s.authTag.slice(0, 12) })],
  ])("detects a tampered %s", (_part, tamper) => {
    const sealed = seal(keyring, "value", binding);
    expect(() => open(keyring, tamper(sealed), binding)).toThrow(SecretDecryptionError);
  });

  it.each([
    ["another tenant", { ...binding, tenantId: "tenant_b" }],
    ["another row", { ...binding, secretId: "secret_2" }],
  ])("refuses a ciphertext moved to %s (associated data)", (_label, otherBinding) => {
    const sealed = seal(keyring, "value", binding);
    expect(() => open(keyring, sealed, otherBinding)).toThrow(/authentication failed/);
  });

  it("refuses the wrong key with the same id and an unknown key id", () => {
    const sealed = seal(keyring, "value", binding);
    const impostor = parseKeyring(generateKeyringEntry("k2"));
    expect(() => open(impostor, sealed, binding)).toThrow(SecretDecryptionError);
    expect(() => open(keyring, { ...sealed, keyId: "k9" }, binding)).toThrow(/unknown key id "k9"/);
  });

  it("rotates: old ciphertexts open after a new sealing key is prepended", () => {
    const before = parseKeyring(generateKeyringEntry("old"));
    const sealed = seal(before, "rotating", binding);
    const oldEntry = `old:${before.keys.get("old")!.toString("base64")}`;
    const after = parseKeyring(`${generateKeyringEntry("new")},${oldEntry}`);
    expect(open(after, sealed, binding)).toBe("rotating");
    expect(needsResealing(after, sealed)).toBe(true);
    const resealed = seal(after, open(after, sealed, binding), binding);
    expect(resealed.keyId).toBe("new");
    expect(needsResealing(after, resealed)).toBe(false);
  });

  it("rejects malformed keyrings with a readable reason", () => {
    expect(() => parseKeyring("")).toThrow("No encryption keys configured");
    expect(() => parseKeyring("k1:c2hvcnQ=")).toThrow(/must be 32 bytes/);
    const entry = generateKeyringEntry("dup");
    expect(() => parseKeyring(`${entry},${entry}`)).toThrow(/appears twice/);
  });
});
