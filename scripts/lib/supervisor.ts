import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { createInterface } from "node:readline";

/**
 * Runs the development processes side by side with prefixed output, and stops them all
 * together: on Ctrl-C, or as soon as one of them dies.
 */
const COLOURS = [36, 35, 33, 32, 34];

export interface ProcessSpec {
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string | undefined>;
}

export function prefixLines(name: string, colour: number, stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) {
  const prefix = process.stdout.isTTY ? `\u001b[${colour}m[${name}]\u001b[0m` : `[${name}]`;
  createInterface({ input: stream }).on("line", (line) => out.write(`${prefix} ${line}\n`));
}

export async function assertPortFree(port: number, purpose: string, variable: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new Error(
          error.code === "EADDRINUSE"
            ? `Port ${port} (${purpose}) is already in use. Stop whatever is using it, or pick another port with ${variable}=…`
            : `Port ${port} (${purpose}) cannot be opened: ${error.message}`,
        ),
      ),
    );
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/**
 * Stops a child started with `detached: true` together with its whole process group, so
 * grandchildren (Next.js workers) stop too: SIGTERM, then SIGKILL after 5 seconds.
 */
export function stopProcessGroup(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || !child.pid) return Promise.resolve();
  const pid = child.pid;
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      resolve();
    }
    setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        /* already gone */
      }
    }, 5000).unref();
  });
}

export class Supervisor {
  private readonly children = new Map<string, ChildProcess>();
  private stopping = false;
  private resolveDone!: (code: number) => void;
  readonly done = new Promise<number>((resolve) => (this.resolveDone = resolve));

  constructor() {
    for (const signal of ["SIGINT", "SIGTERM"] as const)
      process.on(signal, () => void this.stop(0, `received ${signal}`));
  }

  start(spec: ProcessSpec): ChildProcess {
    const colour = COLOURS[this.children.size % COLOURS.length]!;
    const child = spawn(spec.command, spec.args, {
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    this.children.set(spec.name, child);
    prefixLines(spec.name, colour, child.stdout!, process.stdout);
    prefixLines(spec.name, colour, child.stderr!, process.stderr);
    child.on("exit", (code, signal) => {
      this.children.delete(spec.name);
      if (!this.stopping) void this.stop(code ?? 1, `${spec.name} exited (${signal ?? `code ${code}`})`);
    });
    return child;
  }

  async stop(code: number, reason: string): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    console.log(`\n[dev] Stopping (${reason})…`);
    const exits = [...this.children.values()].map(stopProcessGroup);
    await Promise.all(exits);
    this.resolveDone(code);
  }
}
