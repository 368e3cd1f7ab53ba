// Builds a pinned Go module into a cached binary: the way the project gets the servers it runs
// beside the app (Inngest, Mailpit) on machines that reach the Go module proxy but not GitHub.
import { spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";

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
  /** Puts in place what the module lacks (assets built upstream by other toolchains). */
  prepare?: (workDir: string) => void;
  /** Why the freshly built binary is unusable, or null when it is fine. */
  verify?: (binary: string) => string | null;
  log: (line: string) => void;
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
    build.prepare?.(work);
    mkdirSync(join(build.output, ".."), { recursive: true });
    const partial = `${build.output}.partial`;
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
    });
    if (result.status !== 0) {
      failures.push(`go build failed: ${(result.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
      return null;
    }
    const unusable = build.verify?.(partial);
    if (unusable) {
      failures.push(unusable);
      return null;
    }
    renameSync(partial, build.output);
    build.log(`built ${build.output} in ${Math.round((Date.now() - started) / 1000)} s`);
    return build.output;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
