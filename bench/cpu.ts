import { execFileSync } from "node:child_process";
import { cpus } from "node:os";
import { readdirSync, readFileSync } from "node:fs";
import type { Stack } from "../integration/harness";
import { CpuAccount, parseProcStat, parseUptimeSeconds, type ProcStat } from "../scripts/lib/proc-cpu";
import { round } from "./stats";
import type { Figure } from "./types";

/**
 * The CPU split of a scenario's window: CPU seconds used by the app (every process in each app
 * instance's process group), the Inngest server (its process group), the PostgreSQL backends
 * serving the bench's database (the bench's own polling queries included), and every postgres
 * process on the machine (the server's background workers and other users of it too). Read from
 * /proc/<pid>/stat every second (utime + stime); a backend that exits between two samples keeps
 * only what the last sample saw.
 */
export const CPU_GROUPS = ["app", "inngest", "postgres (bench database)", "postgres (all processes)"] as const;
export type CpuGroup = (typeof CPU_GROUPS)[number];

export interface CpuSplit {
  seconds: number;
  cores: number;
  cpuSeconds: Record<CpuGroup, number>;
}

const clockTicks = () => Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
const uptimeSeconds = () => parseUptimeSeconds(readFileSync("/proc/uptime", "utf8"));

function readAll(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = parseProcStat(readFileSync(`/proc/${entry}/stat`, "utf8"));
      if (stat) stats.push(stat);
    } catch {
      /* the process ended meanwhile */
    }
  }
  return stats;
}

/** Starts sampling; `stop()` takes a last sample and returns the split since the start. */
export async function startCpuMeter(stack: Stack, intervalMs = 1_000) {
  const ticksPerSecond = clockTicks();
  const account = new CpuAccount(Math.floor(uptimeSeconds() * ticksPerSecond));
  // Their process groups are their pids (the harness starts each detached).
  const appGroups = new Set(stack.instances.map((instance) => instance.pid()).filter((pid) => pid !== undefined));
  const inngestGroup = stack.inngest.pid();
  const backends = async () =>
    new Set(
      (
        await stack.prisma.$queryRaw<{ pid: number }[]>`
          SELECT pid FROM pg_stat_activity WHERE datname = ${stack.databaseName}`
      ).map((row) => row.pid),
    );
  const sample = async () => {
    const ours = await backends().catch(() => new Set<number>());
    const samples: { stat: ProcStat; group: CpuGroup }[] = [];
    for (const stat of readAll()) {
      if (appGroups.has(stat.pgid)) samples.push({ stat, group: "app" });
      else if (stat.pgid === inngestGroup) samples.push({ stat, group: "inngest" });
      else if (stat.comm === "postgres") {
        // Counted in both: the bench database's backends are part of all of PostgreSQL.
        samples.push({ stat, group: "postgres (all processes)" });
        if (ours.has(stat.pid)) samples.push({ stat, group: "postgres (bench database)" });
      }
    }
    account.observe(samples);
  };
  const started = performance.now();
  await sample();
  let sampling = Promise.resolve();
  const timer = setInterval(() => (sampling = sampling.then(sample)), intervalMs);
  return {
    async stop(): Promise<CpuSplit> {
      clearInterval(timer);
      await sampling;
      await sample();
      const ticks = account.ticksByGroup();
      const cpuSeconds = Object.fromEntries(
        CPU_GROUPS.map((group) => [group, round((ticks[group] ?? 0) / ticksPerSecond, 1)]),
      ) as Record<CpuGroup, number>;
      return { seconds: round((performance.now() - started) / 1000, 1), cores: cpus().length, cpuSeconds };
    },
  };
}

/** One figure line: each group's CPU seconds and its share of all cores over the window. */
export function cpuFigure(scenario: string, split: CpuSplit, window: string): Figure {
  const share = (cpuSeconds: number) => round((cpuSeconds / (split.seconds * split.cores)) * 100, 0);
  return {
    scenario,
    name: `CPU split over ${window} (${split.seconds} s; CPU s, % of ${split.cores} cores)`,
    value: CPU_GROUPS.map((group) => `${group} ${split.cpuSeconds[group]} s (${share(split.cpuSeconds[group])}%)`).join(
      ", ",
    ),
    unit: "",
  };
}
