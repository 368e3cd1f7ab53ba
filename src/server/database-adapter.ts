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
  /** PostgreSQL only: this pool's size, in place of the URL's `connection_limit`. */
  poolSize?: number;
  /** PostgreSQL only: the pool's name in the metrics (`main` unless given). */
  poolName?: PoolName;
}

export type PoolName = "main" | "fast_path";

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
export function postgresConfig(databaseUrl: string, poolSizeOverride?: number): PoolConfig {
  const url = new URL(databaseUrl);
  const ssl = url.searchParams.get("sslmode");
  const poolSize = poolSizeOverride ?? poolSizeOf(databaseUrl);
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
  constructor(
    config: PoolConfig,
    private readonly poolName: PoolName,
  ) {
    super(config);
  }

  override async connect() {
    return sendScriptsWhole(await super.connect(), this.poolName);
  }

  override async connectToShadowDb() {
    return sendScriptsWhole(await super.connectToShadowDb(), this.poolName);
  }
}

/**
 * Every PostgreSQL pool this process opened, for the metrics (poolUsage). On globalThis, as the
 * client is (server/db.ts): each route bundle has its own copy of this module.
 */
const globalForPools = globalThis as unknown as { stockhookPools?: Map<Pool, PoolName> };
const openPools = (globalForPools.stockhookPools ??= new Map<Pool, PoolName>());

export interface PoolUsage {
  inUse: number;
  idle: number;
  waiting: number;
}

/**
 * Connections in use and idle, and statements waiting for one, by pool (the main pool and the fast
 * path's, see server/db.ts): a waiting count above zero under load says the pool is the queue.
 */
export function poolUsage(): Map<PoolName, PoolUsage> {
  const byName = new Map<PoolName, PoolUsage>();
  for (const [pool, name] of openPools) {
    if (pool.ended) {
      openPools.delete(pool);
      continue;
    }
    const usage = byName.get(name) ?? { inUse: 0, idle: 0, waiting: 0 };
    usage.inUse += pool.totalCount - pool.idleCount;
    usage.idle += pool.idleCount;
    usage.waiting += pool.waitingCount;
    byName.set(name, usage);
  }
  return byName;
}

function sendScriptsWhole<Adapter extends SqlDriverAdapter>(adapter: Adapter, poolName: PoolName): Adapter {
  // The adapter's pool and error mapping are not public; both exist on every PrismaPgAdapter.
  const internals = adapter as unknown as { client: Pool; onError: (error: unknown) => never };
  openPools.set(internals.client, poolName);
  adapter.executeScript = async (script: string) => {
    try {
      await internals.client.query(script);
    } catch (error) {
      internals.onError(error);
    }
  };
  return adapter;
}

export function postgresAdapterFactory(databaseUrl: string, poolSize?: number, poolName: PoolName = "main"): PrismaPg {
  return new PostgresAdapterFactory(postgresConfig(databaseUrl, poolSize), poolName);
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
      factory: postgresAdapterFactory(target.databaseUrl, target.poolSize, target.poolName),
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
