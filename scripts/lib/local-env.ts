import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyringEntry } from "../../src/server/crypto/secret-box";

/**
 * Development convenience: the session-signing secret and the encryption key are generated once
 * into the gitignored data folder, so a fresh clone runs with no setup. Production must set both.
 */
const LOCAL_KEYS_FILE = "local-keys.json";

interface LocalKeys {
  AUTH_SECRET: string;
  STOCKHOOK_ENCRYPTION_KEYS: string;
}

export function ensureLocalEnv(): void {
  if (process.env.NODE_ENV === "production") return;
  if (process.env.AUTH_SECRET && process.env.STOCKHOOK_ENCRYPTION_KEYS) return;
  const dataDir = process.env.DATA_DIR ?? ".data";
  const file = join(dataDir, LOCAL_KEYS_FILE);
  let keys: LocalKeys;
  if (existsSync(file)) {
    keys = JSON.parse(readFileSync(file, "utf8")) as LocalKeys;
  } else {
    mkdirSync(dataDir, { recursive: true });
    keys = {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      STOCKHOOK_ENCRYPTION_KEYS: generateKeyringEntry(`local-${Date.now().toString(36)}`),
    };
    writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
    console.log(
      `[stockhook] Created development keys in ${file} (gitignored). Set AUTH_SECRET and STOCKHOOK_ENCRYPTION_KEYS in production.`,
    );
  }
  process.env.AUTH_SECRET ??= keys.AUTH_SECRET;
  process.env.STOCKHOOK_ENCRYPTION_KEYS ??= keys.STOCKHOOK_ENCRYPTION_KEYS;
}
