import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "@test-support/test-database";
import { RateLimiter, SharedRateLimiter } from "./rate-limiter";

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

/**
 * Two limiters on one database stand for two instances: each has its own bucket, the window is
 * shared. Slow refill rates (windows of 60 s and more), so a loaded machine cannot open a new window
 * mid-test.
 */
function instances(perSecond: number, burst: number, keyPrefix: string) {
  return [0, 1].map(
    () => new SharedRateLimiter(new RateLimiter(perSecond, burst), database.prisma, { perSecond, burst, keyPrefix }),
  );
}

describe("SharedRateLimiter", () => {
  it("admits one burst for both instances together, not one each", async () => {
    const [a, b] = instances(0.1, 10, "test_shared");
    const answers = [];
    for (let i = 0; i < 20; i++) answers.push(await (i % 2 ? b! : a!).take("connection-1"));
    expect(answers.filter((answer) => answer.allowed)).toHaveLength(10);
    const refused = answers.find((answer) => !answer.allowed)!;
    expect(refused.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it("counts each key on its own", async () => {
    const [a, b] = instances(0.05, 3, "test_keys");
    for (let i = 0; i < 3; i++) expect((await a!.take("one")).allowed).toBe(true);
    expect((await b!.take("one")).allowed).toBe(false);
    expect((await b!.take("two")).allowed).toBe(true);
  });

  it("sheds what the local bucket refuses without asking the store", async () => {
    const local = new RateLimiter(1, 2);
    const shared = new SharedRateLimiter(local, database.prisma, { perSecond: 1, burst: 2, keyPrefix: "test_local" });
    await shared.take("k");
    await shared.take("k");
    const before = await database.prisma.webhookRateWindow.findMany({ where: { key: { startsWith: "test_local" } } });
    expect((await shared.take("k")).allowed).toBe(false);
    const after = await database.prisma.webhookRateWindow.findMany({ where: { key: { startsWith: "test_local" } } });
    expect(after).toEqual(before);
  });
});
