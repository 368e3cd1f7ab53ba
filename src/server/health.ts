import { timingSafeEqual } from "node:crypto";
import { env as appEnv, type Env } from "@/env";
import type { PrismaClient } from "@/generated/prisma/client";

/** Is each part the app depends on reachable right now, and how quickly did it answer? */
export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; latencyMs: number; error?: string };
  inngest: { ok: boolean; mode: "dev" | "self-hosted" | "cloud"; url: string; latencyMs?: number; error?: string };
}

async function timed<T>(work: () => Promise<T>): Promise<{ latencyMs: number; error?: string }> {
  const started = performance.now();
  try {
    await work();
    return { latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    return {
      latencyMs: Math.round(performance.now() - started),
      error: error instanceof Error ? error.message : String(error),
    };
  }
}

/** Where the Inngest client sends events, read from the same variables the SDK reads. */
export function inngestTarget(
  env: Pick<Env, "INNGEST_DEV" | "INNGEST_BASE_URL"> = appEnv(),
): Pick<HealthReport["inngest"], "mode" | "url"> {
  const dev = env.INNGEST_DEV;
  const base = env.INNGEST_BASE_URL ?? (dev && /^https?:/.test(dev) ? dev : undefined);
  if (dev && dev !== "0") return { mode: "dev", url: base ?? "http://localhost:8288" };
  if (base) return { mode: "self-hosted", url: base };
  return { mode: "cloud", url: "https://api.inngest.com" };
}

export async function checkHealth(prisma: PrismaClient, fetchImpl: typeof fetch = fetch): Promise<HealthReport> {
  const target = inngestTarget();
  const [database, inngest] = await Promise.all([
    timed(() => prisma.$queryRaw`SELECT 1`),
    target.mode === "cloud"
      ? Promise.resolve({ latencyMs: undefined, error: undefined })
      : timed(async () => {
          const response = await fetchImpl(new URL("/health", target.url), { signal: AbortSignal.timeout(2_000) });
          if (!response.ok) throw new Error(`HTTP ${response.status}`);
        }),
  ]);
  const report: HealthReport = {
    ok: !database.error && !inngest.error,
    database: { ok: !database.error, ...database },
    inngest: { ok: !inngest.error, ...target, ...inngest },
  };
  return report;
}

export interface HealthAnswer {
  status: 200 | 503;
  body: HealthReport | { status: "up" | "down" };
}

/** Does the Authorization header carry exactly this bearer token? Constant-time; false when no token is set. */
export function bearerMatches(authorization: string | null, token: string | undefined): boolean {
  if (!token || !authorization?.startsWith("Bearer ")) return false;
  const given = Buffer.from(authorization.slice("Bearer ".length).trim(), "utf8");
  const expected = Buffer.from(token, "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * What /api/health tells whom. Anyone (a load balancer, an uptime monitor) learns up or down,
 * by the status code and `{ status }`; error texts, latencies and internal URLs are for operators
 * who send `Authorization: Bearer <HEALTH_TOKEN>`. Without HEALTH_TOKEN set, nobody gets them.
 */
export function healthAnswer(
  report: HealthReport,
  authorization: string | null,
  token: string | undefined,
): HealthAnswer {
  const status = report.ok ? 200 : 503;
  if (bearerMatches(authorization, token)) return { status, body: report };
  return { status, body: { status: report.ok ? "up" : "down" } };
}
