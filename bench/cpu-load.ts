import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";

/** Spins, and stops once the bench that started it is gone (killed, it cannot stop its children). */
const SPIN = `const bench = Number(process.argv[1]);
for (;;) {
  for (let i = 0; i < 1e7; i++);
  if (process.ppid !== bench) process.exit(0);
}`;

/**
 * Keeps every core busy with plain spinning processes, at the stack's own priority. With it the
 * quiet tenant's sale meets saturated cores but none of a burst's work: no queue in front of it in
 * the Inngest server, no other statements on the app's pool, no other requests in the app's event
 * loop. Its latency then is what saturation alone costs — the floor beside the burst's figure.
 */
export function startCpuLoad(processes = availableParallelism()) {
  const spinners: ChildProcess[] = [];
  for (let i = 0; i < processes; i++)
    spinners.push(spawn(process.execPath, ["-e", SPIN, String(process.pid)], { stdio: "ignore" }));
  return {
    processes,
    async stop(): Promise<void> {
      await Promise.all(
        spinners.map(
          (spinner) =>
            new Promise<void>((resolve) => {
              if (spinner.exitCode !== null || spinner.signalCode !== null) return resolve();
              spinner.once("exit", () => resolve());
              spinner.kill("SIGKILL");
            }),
        ),
      );
    },
  };
}
