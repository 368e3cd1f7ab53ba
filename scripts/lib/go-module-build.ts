// Builds a pinned Go module into a cached binary: the way the project gets the servers it runs
// beside the app (Inngest, Mailpit) on machines that reach the Go module proxy but not GitHub.
import { spawnSync } from "node:child_process";
import {
  accessSync,
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { basename, delimiter, join } from "node:path";

export function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return null;
}

export interface GoModuleBuild {
  /** e.g. `github.com/inngest/inngest@v1.44.0`. */
  module: string;
  /** The module's go.sum checksum: anything else the proxy serves is refused. */
  sum: string;
  /** The package to build, relative to the module root (`.` or `./cmd`). */
  pkg: string;
  ldflags: string;
  /** Where the finished binary goes; it appears there only once it built (and passed `verify`). */
  output: string;
  env?: NodeJS.ProcessEnv;
  /**
   * Puts in place what the module lacks (assets built upstream by other toolchains), in a writable
   * copy of the module. May return a one-line note on what it put there ("web UI built", "placeholder
   * page: <why>"): the note is saved beside the binary (see `buildNote`) once the binary is in place.
   */
  prepare?: (workDir: string) => string | void;
  /** Why the freshly built binary is unusable, or null when it is fine. */
  verify?: (binary: string) => string | null;
  log: (line: string) => void;
}

/** Where a build's `prepare` note is kept: beside the binary, written just before the binary itself. */
export const buildNotePath = (output: string) => `${output}.build-note`;

/** The note `prepare` returned for the binary at `output`, or null (none, or built before notes existed). */
export function buildNote(output: string): string | null {
  const path = buildNotePath(output);
  return existsSync(path) ? readFileSync(path, "utf8").trim() : null;
}

export interface StepResult {
  ok: boolean;
  /** Why it failed (exit status, signal or time-out, and the line of its output that says why); empty when ok. */
  reason: string;
  seconds: number;
  /** Everything it printed, stdout and stderr. */
  output: string;
}

/**
 * Runs one build step of a `prepare` (a package manager, a bundler) with its output captured, so
 * nothing reaches this script's stdout (whose last line is the binary's path), and a time limit.
 */
export function runStep(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number },
): StepResult {
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: options.timeoutMs,
    maxBuffer: 256 * 1024 * 1024,
  });
  const seconds = Math.round((Date.now() - started) / 100) / 10;
  const output = `${result.stdout ?? ""}${result.stderr ?? ""}`;
  if (result.status === 0) return { ok: true, reason: "", seconds, output };
  const how = result.error
    ? (result.error as NodeJS.ErrnoException).code === "ETIMEDOUT"
      ? `timed out after ${Math.round(options.timeoutMs / 1000)} s`
      : result.error.message
    : result.signal
      ? `killed by ${result.signal}`
      : `exit status ${result.status}`;
  const why = telling(output);
  return { ok: false, reason: `${basename(command)} ${how}${why ? `: ${why}` : ""}`, seconds, output };
}

/** The line of a failed tool's output that says what went wrong: its error message, else its last lines. */
function telling(output: string): string {
  const lines = output
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line && !/^npm warn\b/i.test(line) && !/^at\s/.test(line));
  let at = lines.findIndex((line) => /ERR_PNPM_\w+|\w*Error: |\bERR!/.test(line));
  if (at < 0)
    at = lines.findIndex((line) => /\b(error|failed)\b/i.test(line) && !/complete log of this run/i.test(line));
  // A heading such as vite's "error during build:" has its message on the next line.
  const text =
    at < 0
      ? lines.slice(-3).join(" | ")
      : lines[at]!.endsWith(":") && lines[at + 1]
        ? `${lines[at]} ${lines[at + 1]}`
        : lines[at]!;
  return text.length > 400 ? `${text.slice(0, 400)}…` : text;
}

/** Returns the built binary's path, or null with the reason pushed onto `failures`. */
export function buildGoModule(build: GoModuleBuild, failures: string[]): string | null {
  if (!onPath("go")) {
    failures.push(`Go is not installed (needed to build ${build.module})`);
    return null;
  }
  build.log(`building ${build.module} with Go (first time only; a few minutes)…`);
  const started = Date.now();
  const download = spawnSync("go", ["mod", "download", "-json", build.module], {
    encoding: "utf8",
    timeout: 20 * 60_000,
  });
  let info: { Dir?: string; Sum?: string; Error?: string } = {};
  try {
    info = JSON.parse(download.stdout || "{}") as typeof info;
  } catch {
    /* reported below */
  }
  if (download.status !== 0 || !info.Dir) {
    failures.push(
      `the Go module proxy did not serve ${build.module}: ${(info.Error ?? download.stderr ?? "").trim().split("\n")[0]}`,
    );
    return null;
  }
  if (info.Sum !== build.sum) {
    failures.push(`${build.module} has checksum ${info.Sum}, expected ${build.sum}; refusing to build it`);
    return null;
  }
  const work = mkdtempSync(join(tmpdir(), "go-module-build-"));
  try {
    cpSync(info.Dir, work, { recursive: true });
    spawnSync("chmod", ["-R", "u+w", work]);
    const preparing = Date.now();
    const note = build.prepare?.(work);
    if (build.prepare) build.log(`prepared the module copy in ${Math.round((Date.now() - preparing) / 1000)} s`);
    mkdirSync(join(build.output, ".."), { recursive: true });
    // Per process: two builds started at once (parallel test workers) must not write one file.
    const partial = `${build.output}.${process.pid}.partial`;
    const compiling = Date.now();
    // As the upstream release builds: no cgo, reproducible paths, the version stamped in by ldflags.
    const result = spawnSync("go", ["build", "-ldflags", build.ldflags, "-o", partial, build.pkg], {
      cwd: work,
      encoding: "utf8",
      env: {
        ...(build.env ?? process.env),
        CGO_ENABLED: "0",
        GOFLAGS: "-trimpath -buildvcs=false -mod=readonly",
        GOWORK: "off",
        GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "local",
      },
      timeout: 40 * 60_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.status !== 0) {
      failures.push(`go build failed: ${(result.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
      return null;
    }
    build.log(`go build took ${Math.round((Date.now() - compiling) / 1000)} s`);
    const unusable = build.verify?.(partial);
    if (unusable) {
      failures.push(unusable);
      return null;
    }
    // The note first: a binary in place always has the note of its own build beside it.
    if (note) writeFileSync(buildNotePath(build.output), `${note}\n`);
    else rmSync(buildNotePath(build.output), { force: true });
    renameSync(partial, build.output);
    build.log(`built ${build.output} in ${Math.round((Date.now() - started) / 1000)} s`);
    return build.output;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
