import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/**
 * One config, three projects, each run on its own: `vitest run --project unit` (unit and database
 * tests, the fast loop), `--project integration` and `--project reliability` (the real stack, one
 * file at a time; started through scripts/integration.ts and scripts/reliability.ts, which check
 * their prerequisites first). A bare `vitest run` would start all three.
 */
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
    environment: "node",
    pool: "forks",
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["src/**/*.test.ts", "scripts/**/*.test.ts", "tools/**/*.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Routers read the validated environment; tests get throwaway keys, never a developer's own.
          env: {
            AUTH_SECRET: randomBytes(32).toString("base64url"),
            STOCKHOOK_ENCRYPTION_KEYS: `test:${randomBytes(32).toString("base64")}`,
            APP_URL: "https://stockhook.test",
          },
        },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["integration/**/*.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 240_000,
          // Each file starts the whole stack; two at once would fight over ports and the CPU.
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: "reliability",
          include: ["reliability/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 240_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
