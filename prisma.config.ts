// The Prisma CLI is used only for `generate` here: migrations run on Prisma's WASM schema
// engine (scripts/db-migrate.ts), because the native engine cannot be downloaded offline.
import { defineConfig } from "prisma/config";

export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/unused" },
});
