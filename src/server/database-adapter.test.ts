import { describe, expect, it } from "vitest";
import { postgresConfig } from "./database-adapter";

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
