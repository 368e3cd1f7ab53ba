import { z } from "zod";
import type { Env } from "@/env";
import { inngestTarget } from "@/server/health";
import { isArrivalRunId } from "@/server/pipeline/attempts";

/**
 * What the Inngest server says about one function run: its status and times, read from its REST
 * API (`GET /v1/runs/{runId}`) — the local dev server, a self-hosted `inngest start`, or Inngest
 * Cloud with the signing key. The dashboard shows it beside the event's own status.
 */
const runResponseSchema = z.object({
  data: z
    .object({
      run_id: z.string().optional(),
      status: z.string(),
      run_started_at: z.string().nullish(),
      ended_at: z.string().nullish(),
    })
    .nullable(),
});

export type InngestRunLookup =
  | { found: true; runId: string; status: string; startedAt: string | null; endedAt: string | null; url: string | null }
  | { found: false; runId: string | null; reason: string; url: string | null; unknownToServer?: boolean };

export interface InngestApiConfig {
  /** INNGEST_BASE_URL in development and self-hosting; unset means Inngest Cloud. */
  baseUrl?: string;
  signingKey?: string;
  /** INNGEST_RUN_URL: a page for people, with {runId} in it. */
  runUrlTemplate?: string;
  dev: boolean;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

const CLOUD_API = "https://api.inngest.com";

/**
 * Where the event drawer links a run: INNGEST_RUN_URL when set; with the dev server (INNGEST_DEV),
 * its own run inspector (`npm run inngest:install` builds the server with its web UI); otherwise none.
 */
export function runUrlTemplate(
  env: Pick<Env, "INNGEST_RUN_URL" | "INNGEST_DEV" | "INNGEST_BASE_URL">,
): string | undefined {
  if (env.INNGEST_RUN_URL) return env.INNGEST_RUN_URL;
  const target = inngestTarget(env);
  return target.mode === "dev" ? `${target.url.replace(/\/+$/, "")}/run?runID={runId}` : undefined;
}

export async function lookupInngestRun(runId: string | null, config: InngestApiConfig): Promise<InngestRunLookup> {
  const url =
    runId && config.runUrlTemplate ? config.runUrlTemplate.replaceAll("{runId}", encodeURIComponent(runId)) : null;
  if (!runId) return { found: false, runId, reason: "No pipeline run has picked this event up yet.", url };
  if (isArrivalRunId(runId))
    return {
      found: false,
      runId,
      reason:
        "Processed on arrival by the app instance that received it, not by an Inngest run; its run takes over whatever that leaves.",
      url: null,
    };
  if (!config.baseUrl && !config.signingKey)
    return {
      found: false,
      runId,
      reason: "No Inngest server is configured (INNGEST_BASE_URL or INNGEST_SIGNING_KEY).",
      url,
    };
  const base = (config.baseUrl ?? CLOUD_API).replace(/\/$/, "");
  try {
    const response = await (config.fetch ?? fetch)(`${base}/v1/runs/${encodeURIComponent(runId)}`, {
      headers: config.signingKey && !config.dev ? { authorization: `Bearer ${config.signingKey}` } : {},
      signal: AbortSignal.timeout(config.timeoutMs ?? 3000),
    });
    const body = runResponseSchema.safeParse(await response.json().catch(() => null));
    // The server answered and has no such run (the dev server answers 200 with no data; others 404):
    // pruned, or lost with a server that kept its queue in memory. The sweeper re-sends such events.
    const unknownToServer = response.status === 404 || (response.ok && body.success && !body.data.data);
    if (!response.ok || !body.success || !body.data.data)
      return {
        found: false,
        runId,
        reason: `The Inngest server does not know this run (HTTP ${response.status}); it may have been pruned.`,
        url,
        unknownToServer,
      };
    const run = body.data.data;
    return {
      found: true,
      runId,
      status: run.status,
      startedAt: run.run_started_at ?? null,
      endedAt: run.ended_at ?? null,
      url,
    };
  } catch (error) {
    return {
      found: false,
      runId,
      reason: `The Inngest server did not answer: ${error instanceof Error ? error.message : String(error)}`,
      url,
    };
  }
}
