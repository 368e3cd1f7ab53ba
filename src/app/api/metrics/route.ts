import { env } from "@/env";
import { metricsAnswer } from "@/server/metrics/endpoint";
import { metrics } from "@/server/metrics/registry";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const answer = await metricsAnswer(metrics().registry, request.headers.get("authorization"), env().METRICS_TOKEN);
  return new Response(answer.body, { status: answer.status, headers: answer.headers });
}
