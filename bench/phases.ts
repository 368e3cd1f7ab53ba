import type { Prisma } from "@/generated/prisma/client";
import { isArrivalRunId } from "@/server/pipeline/attempts";
import type { Stack } from "../integration/harness";
import { summarise } from "./stats";

/**
 * Each sale's phases from the rows the pipeline wrote: the delivery stored (receivedAt), the run
 * created (the time in its ULID), its apply attempt and its push attempt. Until the apply step
 * starts the time is the Inngest server's: its in-memory event stream (gocloud's mempubsub, in
 * `inngest dev` and `inngest start` alike) sleeps 250 ms whenever it finds no event waiting, so an
 * event sent to an idle server waits up to that long before a run exists (docs/pipeline.md).
 * A sale applied on arrival by the app (docs/pipeline.md#applied-on-arrival) has no run to wait
 * for: its "run created" phase is 0, and its wait runs from the delivery stored to its apply.
 */
export async function salePhases(stack: Stack, where: Prisma.WebhookEventWhereInput) {
  const events = await stack.prisma.webhookEvent.findMany({
    where,
    select: {
      receivedAt: true,
      inngestRunId: true,
      pipelineAttempts: {
        select: { kind: true, startedAt: true, finishedAt: true, detail: true },
        orderBy: { startedAt: "asc" },
      },
    },
  });
  /** Sales the pipeline took for a burst and applied in a batch (the apply attempt says "batch of N"). */
  let batched = 0;
  /** Sales the app applied on arrival, before any Inngest run. */
  let onArrival = 0;
  const runCreated: number[] = [];
  const waitForRun: number[] = [];
  const apply: number[] = [];
  const toPush: number[] = [];
  const call: number[] = [];
  for (const event of events) {
    const applied = event.pipelineAttempts.find((attempt) => attempt.kind === "PROCESSING");
    const pushed = event.pipelineAttempts.find((attempt) => attempt.kind === "PUSH");
    if (!applied || !pushed) continue;
    if (/\(batch of \d+\)/.test(applied.detail ?? "")) batched += 1;
    const arrived = isArrivalRunId(event.inngestRunId);
    if (arrived) onArrival += 1;
    const createdAt = arrived
      ? event.receivedAt.getTime()
      : event.inngestRunId
        ? ulidTime(event.inngestRunId)
        : undefined;
    if (createdAt === undefined) continue;
    runCreated.push(createdAt - event.receivedAt.getTime());
    waitForRun.push(applied.startedAt.getTime() - createdAt);
    apply.push(applied.finishedAt.getTime() - applied.startedAt.getTime());
    toPush.push(pushed.startedAt.getTime() - applied.finishedAt.getTime());
    call.push(pushed.finishedAt.getTime() - pushed.startedAt.getTime());
  }
  return {
    batched,
    onArrival,
    runCreated: summarise(runCreated),
    waitForRun: summarise(waitForRun),
    apply: summarise(apply),
    toPush: summarise(toPush),
    call: summarise(call),
  };
}

/** The millisecond timestamp in a ULID (Inngest's run ids): when the server created the run. */
function ulidTime(id: string): number | undefined {
  const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
  let time = 0;
  for (const char of id.slice(0, 10).toUpperCase()) {
    const digit = alphabet.indexOf(char);
    if (digit < 0) return undefined;
    time = time * 32 + digit;
  }
  return time;
}

export type SalePhases = Awaited<ReturnType<typeof salePhases>>;

/** "175 / 39 / 7 / 9 / 16": the phases in order, at one percentile. */
export function phasesFigureValue(phases: SalePhases, at: "p50" | "p95"): string {
  return [phases.runCreated, phases.waitForRun, phases.apply, phases.toPush, phases.call]
    .map((phase) => (Number.isNaN(phase[at]) ? "—" : String(Math.round(phase[at]))))
    .join(" / ");
}
