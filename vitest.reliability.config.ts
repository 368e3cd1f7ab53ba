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
    include: ["reliability/**/*.test.ts"],
    environment: "node",
    testTimeout: 600_000,
    hookTimeout: 240_000,
    pool: "forks",
    fileParallelism: false,
  },
});
