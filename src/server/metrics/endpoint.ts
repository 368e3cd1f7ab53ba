import type { Registry } from "prom-client";
import { bearerMatches } from "@/server/health";

export interface MetricsAnswer {
  status: 200 | 401 | 404;
  body: string;
  headers: Record<string, string>;
}

/**
 * What GET /api/metrics answers. Without METRICS_TOKEN the endpoint does not exist (404): metrics
 * name tenants and show traffic, so they are never public by default. With it, only
 * `Authorization: Bearer <METRICS_TOKEN>` gets the Prometheus text exposition (version 0.0.4).
 */
export async function metricsAnswer(
  registry: Registry,
  authorization: string | null,
  token: string | undefined,
): Promise<MetricsAnswer> {
  const noStore = { "cache-control": "no-store" };
  if (!token) return { status: 404, body: "Not found\n", headers: { ...noStore, "content-type": "text/plain" } };
  if (!bearerMatches(authorization, token))
    return {
      status: 401,
      body: "Unauthorized\n",
      headers: { ...noStore, "content-type": "text/plain", "www-authenticate": 'Bearer realm="metrics"' },
    };
  return { status: 200, body: await registry.metrics(), headers: { ...noStore, "content-type": registry.contentType } };
}
