// CPU time per process from /proc/<pid>/stat, for the benchmarks' CPU split (app / Inngest /
// PostgreSQL). pidstat is not installed on the bench machine; the kernel's own counters are what
// it would read anyway. The parsing and the accounting are pure so they can be tested.

/** The fields of /proc/<pid>/stat the CPU split needs. Times are in clock ticks (getconf CLK_TCK). */
export interface ProcStat {
  pid: number;
  comm: string;
  pgid: number;
  /** utime + stime: CPU the process itself used, user and kernel. */
  cpuTicks: number;
  /** When the process started, in ticks since boot. */
  startTicks: number;
}

/** Parses one /proc/<pid>/stat line; undefined when it is not one. */
export function parseProcStat(text: string): ProcStat | undefined {
  const open = text.indexOf("(");
  const close = text.lastIndexOf(")");
  if (open < 0 || close < open) return undefined;
  const pid = Number(text.slice(0, open).trim());
  // The command name may hold spaces and parentheses; the fields after it start at the last ")".
  const fields = text
    .slice(close + 2)
    .trim()
    .split(" ");
  // fields[0] is field 3 (state) in proc(5): pgrp is 5, utime 14, stime 15, starttime 22.
  const [pgid, utime, stime, startTicks] = [fields[2], fields[11], fields[12], fields[19]].map(Number);
  if (!Number.isInteger(pid) || [pgid, utime, stime, startTicks].some((n) => !Number.isFinite(n))) return undefined;
  return { pid, comm: text.slice(open + 1, close), pgid: pgid!, cpuTicks: utime! + stime!, startTicks: startTicks! };
}

/**
 * CPU ticks used per named group over a window, from repeated samples of the processes in it.
 * A process seen at the first sample counts from its ticks then; one seen later counts from 0 if
 * it started inside the window, else from its ticks when first seen (its earlier use in the
 * window is unknown, so it is left out rather than guessed). A process that exits between two
 * samples keeps what the last sample saw. A process may be counted in several groups.
 */
export class CpuAccount {
  private readonly baseline = new Map<string, number>();
  private readonly latest = new Map<string, { group: string; ticks: number }>();
  private sampled = false;

  constructor(private readonly windowStartTicks: number) {}

  observe(samples: { stat: ProcStat; group: string }[]): void {
    for (const { stat, group } of samples) {
      const key = `${group}\0${stat.pid}`;
      if (!this.baseline.has(key))
        this.baseline.set(key, !this.sampled || stat.startTicks < this.windowStartTicks ? stat.cpuTicks : 0);
      this.latest.set(key, { group, ticks: stat.cpuTicks });
    }
    this.sampled = true;
  }

  ticksByGroup(): Record<string, number> {
    const totals: Record<string, number> = {};
    for (const [key, { group, ticks }] of this.latest)
      totals[group] = (totals[group] ?? 0) + Math.max(0, ticks - (this.baseline.get(key) ?? ticks));
    return totals;
  }
}

/** Seconds since boot from /proc/uptime's first field. */
export function parseUptimeSeconds(text: string): number {
  return Number(text.trim().split(/\s+/)[0]);
}
