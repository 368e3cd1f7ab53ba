import nextVitals from "eslint-config-next/core-web-vitals";
import nextTypescript from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTypescript,
  { ignores: [".next/**", ".data/**", ".cache/**", "node_modules/**", "src/generated/**", "test-results/**", "playwright-report/**", "next-env.d.ts"] },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
    },
  },
  {
    // Routers reach tenant data only through ctx.db, the tenant-scoped client.
    files: ["src/server/api/routers/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "@/server/db", message: "Use ctx.db (tenant-scoped) or ctx.prisma from the tRPC context." }] }],
    },
  },
];

export default config;
