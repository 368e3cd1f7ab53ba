import { PrismaClient } from "../../src/generated/prisma/client";
import { openAdapter } from "../../src/server/database-adapter";

/** A Prisma client for a command-line script, on the same database the app would use. */
export function openScriptDatabase() {
  const adapter = openAdapter({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: process.env.DATA_DIR ?? ".data",
  });
  const prisma = new PrismaClient({ adapter: adapter.factory });
  return {
    prisma,
    factory: adapter.factory,
    description: adapter.description,
    close: async () => {
      await prisma.$disconnect();
      await adapter.close();
    },
  };
}
