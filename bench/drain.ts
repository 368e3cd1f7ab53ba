import type { PrismaClient } from "@/generated/prisma/client";
import { sleep } from "./stats";

/**
 * Waits until no event of these tenants is QUEUED or PROCESSING (the pipeline has caught up),
 * so one scenario's backlog does not slow the next. Returns how long that took.
 */
export async function waitForDrain(
  prisma: PrismaClient,
  tenantIds: string[],
  timeoutMs = 600_000,
): Promise<{ ms: number; pending: number }> {
  const started = performance.now();
  let pending = 0;
  while (performance.now() - started < timeoutMs) {
    pending = await prisma.webhookEvent.count({
      where: { tenantId: { in: tenantIds }, status: { in: ["RECEIVED", "QUEUED", "PROCESSING"] } },
    });
    if (pending === 0) break;
    await sleep(250);
  }
  return { ms: performance.now() - started, pending };
}
