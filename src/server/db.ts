import "server-only";
import { env } from "@/env";
import { PrismaClient } from "@/generated/prisma/client";
import { openAdapter } from "./database-adapter";

/**
 * The one Prisma client of the process. Created on first use, so importing this module (as
 * `next build` does while collecting routes) never opens a database. Kept on globalThis because
 * an embedded PGlite directory must be opened by exactly one instance per process, even when
 * the dev server re-evaluates modules.
 */
const globalForPrisma = globalThis as unknown as { stockhookPrisma?: PrismaClient };

function createPrismaClient(): PrismaClient {
  const { DATABASE_URL, DATA_DIR, NODE_ENV } = env();
  const adapter = openAdapter({ databaseUrl: DATABASE_URL, dataDir: DATA_DIR });
  return new PrismaClient({
    adapter: adapter.factory,
    log: NODE_ENV === "development" ? ["warn", "error"] : ["error"],
  });
}

export function getDb(): PrismaClient {
  globalForPrisma.stockhookPrisma ??= createPrismaClient();
  return globalForPrisma.stockhookPrisma;
}

/** Platform-wide client. Tenant data in request handlers goes through `ctx.db` (tenant-scoped). */
export const db: PrismaClient = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getDb();
    const value: unknown = Reflect.get(client, property, client);
    return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(client) : value;
  },
});
