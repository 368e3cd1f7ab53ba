import "server-only";
import { env } from "@/env";
import { PrismaClient } from "@/generated/prisma/client";
import { openAdapter, type PoolName } from "./database-adapter";

/**
 * The one Prisma client of the process. Created on first use, so importing this module (as
 * `next build` does while collecting routes) never opens a database. Kept on globalThis because
 * an embedded PGlite directory must be opened by exactly one instance per process, even when
 * the dev server re-evaluates modules.
 */
const globalForPrisma = globalThis as unknown as {
  stockhookPrisma?: PrismaClient;
  stockhookFastPathPrisma?: PrismaClient;
};

/**
 * Connections of the fast path's own pool (see fastPathDb). A sale's run holds one for a few
 * milliseconds per statement, so three serve hundreds of sales a second.
 */
export const FAST_PATH_POOL_SIZE = 3;

function createPrismaClient(pool?: { size: number; name: PoolName }): PrismaClient {
  const { DATABASE_URL, DATA_DIR, NODE_ENV } = env();
  const adapter = openAdapter({
    databaseUrl: DATABASE_URL,
    dataDir: DATA_DIR,
    poolSize: pool?.size,
    poolName: pool?.name,
  });
  return new PrismaClient({
    adapter: adapter.factory,
    log: NODE_ENV === "development" ? ["warn", "error"] : ["error"],
  });
}

export function getDb(): PrismaClient {
  globalForPrisma.stockhookPrisma ??= createPrismaClient();
  return globalForPrisma.stockhookPrisma;
}

/**
 * The fast path's client (a quiet tenant's single delivery: apply-webhook's apply-and-push step),
 * on a pool of its own. While another tenant's burst drains, every connection of the main pool is
 * busy and dozens of its statements wait for one; on this pool a single sale's statements wait
 * behind none of them (docs/pipeline.md, fairness). The embedded database has one connection
 * whatever the client, so there it is the main client.
 */
export function getFastPathDb(): PrismaClient {
  if (!env().DATABASE_URL) return getDb();
  globalForPrisma.stockhookFastPathPrisma ??= createPrismaClient({ size: FAST_PATH_POOL_SIZE, name: "fast_path" });
  return globalForPrisma.stockhookFastPathPrisma;
}

const lazyClient = (get: () => PrismaClient): PrismaClient =>
  new Proxy({} as PrismaClient, {
    get(_target, property) {
      const client = get();
      const value: unknown = Reflect.get(client, property, client);
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(client) : value;
    },
  });

/** Platform-wide client. Tenant data in request handlers goes through `ctx.db` (tenant-scoped). */
export const db: PrismaClient = lazyClient(getDb);
export const fastPathDb: PrismaClient = lazyClient(getFastPathDb);
