import { afterEach, beforeEach, expect, it } from "vitest";
import type { PrismaClient } from "@/generated/prisma/client";
import { checkHealth } from "./health";

/**
 * GET /api/health answers 503 whenever the report is not ok (src/app/api/health/route.ts): the
 * report must say not ok, and which part failed, when the database or the Inngest server is down.
 */
const saved = { dev: process.env.INNGEST_DEV, base: process.env.INNGEST_BASE_URL };
beforeEach(() => Object.assign(process.env, { INNGEST_DEV: "1", INNGEST_BASE_URL: "http://127.0.0.1:8288" }));
afterEach(() => {
  for (const [key, value] of [
    ["INNGEST_DEV", saved.dev],
    ["INNGEST_BASE_URL", saved.base],
  ] as const) {
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
});

const databaseUp = { $queryRaw: async () => [{ "?column?": 1 }] } as unknown as PrismaClient;
const databaseDown = {
  $queryRaw: async () => Promise.reject(new Error("connect ECONNREFUSED 127.0.0.1:5432")),
} as unknown as PrismaClient;
const inngestUp = (async () => new Response("ok")) as typeof fetch;
const inngestDown = (async () => Promise.reject(new TypeError("fetch failed"))) as typeof fetch;
const inngestErroring = (async () => new Response("", { status: 500 })) as typeof fetch;

it("is ok when the database and the Inngest server both answer", async () => {
  expect(await checkHealth(databaseUp, inngestUp)).toMatchObject({
    ok: true,
    database: { ok: true },
    inngest: { ok: true, mode: "dev" },
  });
});

it("is not ok, naming the database, when the database is down", async () => {
  const report = await checkHealth(databaseDown, inngestUp);
  expect(report).toMatchObject({
    ok: false,
    database: { ok: false, error: expect.stringContaining("ECONNREFUSED") },
    inngest: { ok: true },
  });
});

it("is not ok, naming Inngest, when the Inngest server is unreachable or failing", async () => {
  expect(await checkHealth(databaseUp, inngestDown)).toMatchObject({
    ok: false,
    database: { ok: true },
    inngest: { ok: false, error: "fetch failed" },
  });
  expect(await checkHealth(databaseUp, inngestErroring)).toMatchObject({
    ok: false,
    inngest: { ok: false, error: "HTTP 500" },
  });
});
