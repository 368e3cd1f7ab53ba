import { describe, expect, it } from "vitest";
import { CpuAccount, parseProcStat, parseUptimeSeconds, type ProcStat } from "./proc-cpu";

// A real line (cat reading its own stat), with utime 7, stime 3 and starttime 43218 put in.
const CAT =
  "17605 (cat) R 17597 17597 10451 0 -1 4194304 100 0 0 0 7 3 0 0 20 0 1 0 43218 3133440 382 18446744073709551615";

describe("parseProcStat", () => {
  it("reads the pid, name, process group, utime + stime and start time", () => {
    expect(parseProcStat(CAT)).toEqual({ pid: 17605, comm: "cat", pgid: 17597, cpuTicks: 10, startTicks: 43218 });
  });

  it("keeps a command name with spaces and parentheses whole", () => {
    const line = CAT.replace("(cat)", "(next-server (v16))");
    expect(parseProcStat(line)).toMatchObject({ comm: "next-server (v16)", pgid: 17597, cpuTicks: 10 });
  });

  it("refuses what is not a stat line", () => {
    expect(parseProcStat("")).toBeUndefined();
    expect(parseProcStat("17605 (cat) R 1 2")).toBeUndefined();
  });
});

const stat = (pid: number, cpuTicks: number, startTicks = 0): ProcStat => ({
  pid,
  comm: "p",
  pgid: pid,
  cpuTicks,
  startTicks,
});

describe("CpuAccount", () => {
  it("counts each process from its ticks at the first sample, summed per group", () => {
    const account = new CpuAccount(1000);
    account.observe([
      { stat: stat(1, 500), group: "app" },
      { stat: stat(2, 300), group: "app" },
      { stat: stat(3, 50), group: "db" },
    ]);
    account.observe([
      { stat: stat(1, 620), group: "app" },
      { stat: stat(2, 310), group: "app" },
      { stat: stat(3, 90), group: "db" },
    ]);
    expect(account.ticksByGroup()).toEqual({ app: 130, db: 40 });
  });

  it("counts a process started inside the window from zero, and keeps what an exited one used", () => {
    const account = new CpuAccount(1000);
    account.observe([{ stat: stat(1, 500), group: "db" }]);
    account.observe([
      { stat: stat(1, 520), group: "db" },
      { stat: stat(9, 25, 1200), group: "db" },
    ]);
    account.observe([{ stat: stat(1, 530), group: "db" }]);
    expect(account.ticksByGroup()).toEqual({ db: 30 + 25 });
  });

  it("leaves out what a process started before the window used before it was first seen", () => {
    const account = new CpuAccount(1000);
    account.observe([{ stat: stat(1, 500), group: "db" }]);
    account.observe([{ stat: stat(7, 4000, 10), group: "db" }]);
    account.observe([{ stat: stat(7, 4015, 10), group: "db" }]);
    expect(account.ticksByGroup()).toEqual({ db: 15 });
  });
});

describe("parseUptimeSeconds", () => {
  it("reads the first field", () => expect(parseUptimeSeconds("432.18 800.02\n")).toBe(432.18));
});

describe("CpuAccount, one process in two groups", () => {
  it("counts it in each", () => {
    const account = new CpuAccount(1000);
    account.observe([{ stat: stat(4, 100), group: "all" }]);
    account.observe([
      { stat: stat(4, 140), group: "all" },
      { stat: stat(4, 140, 10), group: "ours" },
    ]);
    account.observe([
      { stat: stat(4, 150), group: "all" },
      { stat: stat(4, 150, 10), group: "ours" },
    ]);
    expect(account.ticksByGroup()).toEqual({ all: 50, ours: 10 });
  });
});
