import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@sim": fileURLToPath(new URL("./tools/sim", import.meta.url)),
      "@test-support": fileURLToPath(new URL("./test-support", import.meta.url)),
      "server-only": fileURLToPath(new URL("./test-support/server-only-stub.ts", import.meta.url)),
      "@": fileURLToPath(new URL("./src", import.meta.url)),
    },
  },
  test: {
    include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "tools/**/*.test.ts"],
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Routers read the validated environment; tests get throwaway keys, never a developer's own.
    env: {
      AUTH_SECRET: randomBytes(32).toString("base64url"),
      STOCKHOOK_ENCRYPTION_KEYS: `test:${randomBytes(32).toString("base64")}`,
      APP_URL: "https://stockhook.test",
    },
  },
});
