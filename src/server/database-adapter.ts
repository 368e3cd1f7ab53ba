import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaPGlite } from "pglite-prisma-adapter";

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

export function pgliteDirectory(dataDir: string): string {
  return resolve(join(dataDir, "pglite"));
}

export function openAdapter(target: DatabaseTarget): OpenedAdapter {
  if (target.databaseUrl) {
    const url = new URL(target.databaseUrl);
    return {
      factory: new PrismaPg({ connectionString: target.databaseUrl }),
      description: `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`,
      close: async () => {},
    };
  }
  const directory = pgliteDirectory(target.dataDir);
  mkdirSync(directory, { recursive: true });
  const pglite = new PGlite(directory);
  return {
    factory: new PrismaPGlite(pglite),
    description: `embedded PGlite at ${directory}`,
    close: () => pglite.close(),
  };
}
