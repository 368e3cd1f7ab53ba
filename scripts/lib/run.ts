import { spawn } from "node:child_process";

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: "inherit", env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", (error) => {
      console.error(`[run] ${command}: ${error.message}`);
      resolve(1);
    });
  });
}

/** The exit code of a suite that could not run here and did not (a missing database, build, binary). */
export const SKIPPED_EXIT_CODE = 78;

/** Runs one step; "skipped" when the step exited with SKIPPED_EXIT_CODE, throws on any other failure. */
export async function runStep(
  name: string,
  command: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<"passed" | "skipped"> {
  const started = performance.now();
  console.log(`\n▶ ${name}`);
  const code = await run(command, args, env);
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  if (code === SKIPPED_EXIT_CODE) {
    console.log(`⚠ ${name}: SKIPPED (${seconds} s)`);
    return "skipped";
  }
  if (code !== 0) throw new Error(`${name} failed (exit ${code}) after ${seconds} s`);
  console.log(`✔ ${name} (${seconds} s)`);
  return "passed";
}
