import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter } from "@prisma/driver-adapter-utils";
import type { Pool, PoolConfig } from "pg";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { poolSizeOf } from "./database-url";

/**
 * The one place that decides which database Stockhook talks to: PostgreSQL when a URL is
 * given, otherwise the embedded PGlite database stored under the data folder.
 */
export interface DatabaseTarget {
  databaseUrl?: string;
  dataDir: string;
}

export type AdapterFactory = PrismaPg | PrismaPGlite;

export interface OpenedAdapter {
  factory: AdapterFactory;
  description: string;
  /** Closes the embedded database; PostgreSQL pools are closed by Prisma's $disconnect. */
  close: () => Promise<void>;
}

/**
 * Explicit pool fields rather than a connectionString: node-postgres lets a connectionString
 * override the others, so a copy with another `database` (as Prisma's shadow database is made)
 * would silently connect to the main database.
 */
export function postgresConfig(databaseUrl: string): PoolConfig {
  const url = new URL(databaseUrl);
  const ssl = url.searchParams.get("sslmode");
  const poolSize = poolSizeOf(databaseUrl);
  return {
    ...(poolSize ? { max: poolSize } : {}),
    host: decodeURIComponent(url.hostname),
    port: Number(url.port || 5432),
    user: decodeURIComponent(url.username) || undefined,
    password: decodeURIComponent(url.password) || undefined,
    database: decodeURIComponent(url.pathname.slice(1)) || undefined,
    ssl: ssl && ssl !== "disable" ? { rejectUnauthorized: ssl === "verify-full" } : undefined,
  };
}

/**
 * Prisma's pg adapter runs a migration script by splitting it at every ";", which cuts a
 * dollar-quoted function body apart. Here scripts go to PostgreSQL whole, as Prisma's native
 * engine sends them: the simple query protocol runs them as one implicit transaction.
 */
class PostgresAdapterFactory extends PrismaPg {
  override async connect() {
    return sendScriptsWhole(await super.connect());
  }

  override async connectToShadowDb() {
    return sendScriptsWhole(await super.connectToShadowDb());
  }
}

/**
 * Every PostgreSQL pool this process opened, for the metrics (poolUsage). On globalThis, as the
 * client is (server/db.ts): each route bundle has its own copy of this module.
 */
const globalForPools = globalThis as unknown as { stockhookPools?: Set<Pool> };
const openPools = (globalForPools.stockhookPools ??= new Set<Pool>());

/**
 * Connections in use and idle, and statements waiting for one, over this process's pools: a
 * waiting count above zero under load says the pool is the queue (connection_limit).
 */
export function poolUsage(): { inUse: number; idle: number; waiting: number } {
  const usage = { inUse: 0, idle: 0, waiting: 0 };
  for (const pool of openPools) {
    if (pool.ended) {
      openPools.delete(pool);
      continue;
    }
    usage.inUse += pool.totalCount - pool.idleCount;
    usage.idle += pool.idleCount;
    usage.waiting += pool.waitingCount;
  }
  return usage;
}

function sendScriptsWhole<Adapter extends SqlDriverAdapter>(adapter: Adapter): Adapter {
  // The adapter's pool and error mapping are not public; both exist on every PrismaPgAdapter.
  const internals = adapter as unknown as { client: Pool; onError: (error: unknown) => never };
  openPools.add(internals.client);
  adapter.executeScript = async (script: string) => {
    try {
      await internals.client.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}

export function postgresAdapterFactory(databaseUrl: string): PrismaPg {
  return new PostgresAdapterFactory(postgresConfig(databaseUrl));
}

export function pgliteDirectory(dataDir: string): string {
  return resolve(join(dataDir, "pglite"));
}

/**
 * An embedded database (in memory without a directory) with the extensions the migrations
 * create: pg_trgm backs the event search's partial, case-insensitive matches.
 */
export function openPGlite(directory?: string): PGlite {
  const options = { extensions: { pg_trgm } };
  // PGlite reads a leading undefined as "no options": the in-memory form takes the options alone.
  return directory ? new PGlite(directory, options) : new PGlite(options);
}

/** The embedded database's adapter; its shadow database (for migration diffs) has the same extensions. */
export class PGliteAdapterFactory extends PrismaPGlite {
  override connectToShadowDb() {
    return new PrismaPGlite(openPGlite()).connect();
  }
}

export function openAdapter(target: DatabaseTarget): OpenedAdapter {
  if (target.databaseUrl) {
    const url = new URL(target.databaseUrl);
    return {
      factory: postgresAdapterFactory(target.databaseUrl),
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: async () => {},
    };
  }
  const directory = pgliteDirectory(target.dataDir);
  mkdirSync(directory, { recursive: true });
  const pglite = openPGlite(directory);
  return {
    factory: new PGliteAdapterFactory(pglite),
    description: `embedded PGlite at ${directory}`,
    close: () => pglite.close(),
  };
}
