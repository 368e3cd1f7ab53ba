import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

/** The simulators (tools/sim, alias @sim) and test support are development code: no production module imports them. */
const productionImportBans = [
  {
    group: ["@sim", "@sim/**", "**/tools/**"],
    message: "The simulators are development tools (tools/sim); production code must not import them.",
  },
  { group: ["@test-support/**", "**/test-support/**"], message: "Test support is for tests (*.test.ts) only." },
];
/** Values from src/server in a browser component; `import type` stays allowed. */
const serverValuesBan = {
  group: ["@/server/**", "**/server/**", "!next/server"],
  allowTypeImports: true,
  message: "Client components may import only types from src/server; move what the browser needs to a shared module.",
};

const config = [
  ...nextVitals,
  ...nextTypescript,
  {
    ignores: [
      ".next/**",
      ".data/**",
      ".cache/**",
      "node_modules/**",
      "src/generated/**",
      "test-results/**",
      "playwright-report/**",
      "next-env.d.ts",
    ],
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Settings are validated once, in src/env.ts; a module reading process.env itself gets no check (a typo gives NaN).
    files: ["**/*.{ts,tsx,js,mjs,cjs}"],
    ignores: [
      "src/env.ts",
      "scripts/**",
      "bench/**",
      "integration/**",
      "reliability/**",
      "e2e/**",
      "tools/**",
      "test-support/**",
      "**/*.test.{ts,tsx}",
      "*.config.{ts,mjs,js,cjs}",
    ],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Read settings through env() from @/env (add the variable to its schema).",
        },
      ],
    },
  },
  {
    // The app logs through src/server/logger.ts (JSON lines with ids, secrets redacted), never the console.
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["**/*.test.{ts,tsx}"],
    rules: { "no-console": "error" },
  },
  {
    // Production code never loads the simulators or test support. Tests may.
    files: ["src/**/*.{ts,tsx}"],
    ignores: ["**/*.test.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [...productionImportBans] }] },
  },
  {
    // Browser components get server code's types only; values from src/server would pull it into the bundle.
    files: ["src/app/_components/**/*.{ts,tsx}"],
    ignores: ["**/*.test.{ts,tsx}"],
    rules: { "no-restricted-imports": ["error", { patterns: [...productionImportBans, serverValuesBan] }] },
  },
  {
    // Routers reach tenant data only through ctx.db, the tenant-scoped client.
    // (A later block replaces the rule for these files, so it repeats the production bans.)
    files: ["src/server/api/routers/**/*.ts"],
    ignores: ["**/*.test.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@/server/db", message: "Use ctx.db (tenant-scoped) or ctx.prisma from the tRPC context." }],
          patterns: [...productionImportBans],
        },
      ],
    },
  },
  {
    // Router tests may use the simulators and test support, but still not the unscoped client.
    files: ["src/server/api/routers/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [{ name: "@/server/db", message: "Use ctx.db (tenant-scoped) or ctx.prisma from the tRPC context." }],
        },
      ],
    },
  },
];

export default config;
