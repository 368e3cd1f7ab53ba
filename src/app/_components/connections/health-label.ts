import type { Tone } from "@/app/_components/ui/status-badge";

interface HealthEvidence {
  health: { circuit: "closed" | "open" | "recovering"; lastSuccessfulSyncAt: Date | null };
  lastWebhookAt: Date | null;
}

/**
 * A connection's health in one word. "Healthy" needs evidence that it works — a reconcile that
 * succeeded or a webhook that arrived — so a connection nobody has checked reads "Not checked yet".
 */
export function connectionHealthLabel({ health, lastWebhookAt }: HealthEvidence): { status: string; tone: Tone } {
  if (health.circuit === "open") return { status: "Failing", tone: "red" };
  if (health.circuit === "recovering") return { status: "Recovering", tone: "amber" };
  if (!health.lastSuccessfulSyncAt && !lastWebhookAt) return { status: "Not checked yet", tone: "gray" };
  return { status: "Healthy", tone: "green" };
}
