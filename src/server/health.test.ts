import { describe, expect, it } from "vitest";
import type { PrismaClient } from "@/generated/prisma/client";
import { checkHealth, healthAnswer } from "./health";

/**
 * Issue 17, item 11: /api/health is public. A stranger asking it must learn up or down, never
 * the database's error text (hosts, users), the Inngest URL or latencies; those need the token.
 */
const TOKEN = "health-token-0123456789";
const brokenDatabase = {
  $queryRaw: () => Promise.reject(new Error('connect ECONNREFUSED 10.0.4.7:5432 (user "stockhook_prod")')),
} as unknown as PrismaClient;
const workingDatabase = { $queryRaw: () => Promise.resolve([{ "?column?": 1 }]) } as unknown as PrismaClient;
const inngestDown: typeof fetch = () => Promise.reject(new Error("getaddrinfo ENOTFOUND inngest.internal.corp"));
const inngestUp: typeof fetch = () => Promise.resolve(new Response("ok"));

describe("/api/health answers", () => {
  it("tells an anonymous caller only down (503), with no error text, URL or latency", async () => {
    const previous = process.env.INNGEST_BASE_URL;
    process.env.INNGEST_BASE_URL = "http://inngest.internal.corp:8288";
    try {
      const answer = healthAnswer(await checkHealth(brokenDatabase, inngestDown), null, TOKEN);
      expect(answer).toEqual({ status: 503, body: { status: "down" } });
      expect(JSON.stringify(answer)).not.toMatch(/ECONNREFUSED|10\.0\.4\.7|stockhook_prod|inngest\.internal|latency/);
    } finally {
      if (previous === undefined) delete process.env.INNGEST_BASE_URL;
      else process.env.INNGEST_BASE_URL = previous;
    }
  });

  it("tells an anonymous caller up (200) when everything answers", async () => {
    expect(healthAnswer(await checkHealth(workingDatabase, inngestUp), null, TOKEN)).toEqual({
      status: 200,
      body: { status: "up" },
    });
  });

  it("gives the details to a caller with the token, and only the exact token", async () => {
    const report = await checkHealth(brokenDatabase, inngestDown);
    const detailed = healthAnswer(report, `Bearer ${TOKEN}`, TOKEN);
    expect(detailed.status).toBe(503);
    expect(detailed.body).toMatchObject({
      ok: false,
      database: { ok: false, error: expect.stringContaining("ECONNREFUSED") },
    });
    for (const wrong of [`Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(0, -1)}`, TOKEN, "Bearer ", `Basic ${TOKEN}`]) {
      expect(healthAnswer(report, wrong, TOKEN).body).toEqual({ status: "down" });
    }
  });

  it("without HEALTH_TOKEN set, nobody gets the details", async () => {
    const report = await checkHealth(brokenDatabase, inngestDown);
    expect(healthAnswer(report, "Bearer ", undefined).body).toEqual({ status: "down" });
    expect(healthAnswer(report, "Bearer undefined", undefined).body).toEqual({ status: "down" });
  });
});
