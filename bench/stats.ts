import { readdirSync, readFileSync } from "node:fs";

/** Nearest-rank percentile of a sample (p in 0..100); NaN for an empty sample. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export function summarise(values: number[]) {
  return {
    count: values.length,
    p50: round(percentile(values, 50)),
    p95: round(percentile(values, 95)),
    p99: round(percentile(values, 99)),
    max: round(Math.max(...values)),
  };
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the next slot of a fixed pace (start to start), e.g. a sale a second: sales back to
 * back would be several a second from one tenant, which the pipeline batches
 * (WEBHOOK_BATCH_THRESHOLD_PER_SECOND), and the figure would no longer be an idle sale's.
 */
export function pace(intervalMs: number): () => Promise<void> {
  let next = performance.now();
  return async () => {
    const wait = next - performance.now();
    if (wait > 0) await sleep(wait);
    next = Math.max(next, performance.now() - intervalMs) + intervalMs;
  };
}

/** Every process of a process group (pid and resident bytes), from /proc. */
export function processGroup(pgid: number): { pid: number; rss: number }[] {
  const members = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // Fields after the command name (which may contain spaces) start after the last ")".
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(fields[2]) !== pgid) continue;
      members.push({ pid: Number(entry), rss: Number(fields[21]) * 4096 });
    } catch {
      /* the process ended meanwhile */
    }
  }
  return members;
}

/** Resident memory (bytes) of every process in a process group, from /proc; 0 when unavailable. */
export function processGroupRss(pgid: number): number {
  return processGroup(pgid).reduce((total, member) => total + member.rss, 0);
}
