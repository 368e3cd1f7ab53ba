import { randomInt } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { PrismaClient } from "@/generated/prisma/client";
import { poolUsage, postgresAdapterFactory, postgresConfig } from "./database-adapter";

describe("postgresConfig", () => {
  it("takes each part of the URL as its own field, so a copy naming another database connects there", () => {
    expect(postgresConfig("postgresql://app:s%40cret@db.internal:6543/stock?sslmode=require")).toEqual({
      host: "db.internal",
      port: 6543,
      user: "app",
      password: "s@cret",
      database: "stock",
      ssl: { rejectUnauthorized: false },
    });
  });

  it("sizes the pool from connection_limit, and leaves node-postgres's 10 without it", () => {
    expect(postgresConfig("postgresql://app@db/stock?connection_limit=30").max).toBe(30);
    expect(postgresConfig("postgresql://app@db/stock")).not.toHaveProperty("max");
  });

  it.each(["0", "-5", "ten", "2.5", ""])("refuses connection_limit=%j with a clear error", (value) => {
    expect(() => postgresConfig(`postgresql://app@db/stock?connection_limit=${value}`)).toThrow(
      `connection_limit must be a whole number from 1 to 9999, not "${value}"`,
    );
  });
});

describe.runIf(process.env.DATABASE_URL)("the fast path's pool", () => {
  it("serves a statement while every connection of the main pool is taken and more statements wait for one", async () => {
    const url = process.env.DATABASE_URL!;
    const main = new PrismaClient({ adapter: postgresAdapterFactory(url, 2, "main") });
    const fastPath = new PrismaClient({ adapter: postgresAdapterFactory(url, 1, "fast_path") });
    const holder = new PrismaClient({ adapter: postgresAdapterFactory(url, 1, "main") });
    const lock = randomInt(1, 2 ** 31);
    try {
      // A burst's statements, standing in: both main connections block on a lock this test holds.
      await holder.$queryRawUnsafe(`SELECT pg_advisory_lock(${lock})::text`);
      // Prisma's promises run when awaited: `then` sends them now.
      const burst = [1, 2, 3].map(() =>
        main.$queryRawUnsafe(`SELECT pg_advisory_lock_shared(${lock})::text`).then((rows) => rows),
      );
      await vi.waitFor(() => expect(poolUsage().get("main")?.waiting).toBe(1), { timeout: 10_000, interval: 20 });

      const [row] = await fastPath.$queryRawUnsafe<{ one: number }[]>("SELECT 1 AS one");
      expect(row?.one).toBe(1);
      expect(poolUsage().get("main")?.waiting).toBe(1);
      expect(poolUsage().get("fast_path")).toMatchObject({ waiting: 0 });

      await holder.$queryRawUnsafe(`SELECT pg_advisory_unlock(${lock})`);
      await Promise.all(burst);
    } finally {
      await Promise.all([main.$disconnect(), fastPath.$disconnect(), holder.$disconnect()]);
    }
  });
});
