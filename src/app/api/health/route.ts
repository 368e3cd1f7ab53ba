import { env } from "@/env";
import { db } from "@/server/db";
import { checkHealth, healthAnswer } from "@/server/health";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  const answer = healthAnswer(await checkHealth(db), request.headers.get("authorization"), env().HEALTH_TOKEN);
  return Response.json(answer.body, { status: answer.status, headers: { "cache-control": "no-store" } });
}
