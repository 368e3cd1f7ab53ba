// npm run inngest:install — finds or builds the open-source Inngest server binary, cached in
// .cache/inngest/<version>/ (gitignored; INNGEST_CACHE_DIR moves it). Prints the binary's path as its last line.
//
// Tried in order: INNGEST_BIN; the cache; `inngest` on PATH; the inngest-cli npm package's binary
// (optional dependency: it downloads from GitHub, so it works only with internet access);
// building the pinned version from the Go module github.com/inngest/inngest — with its dev-server
// web UI (the run inspector at /runs), built from the UI source the module carries, or, when that
// build fails, with a placeholder page and the reason printed.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildGoModule, buildNote, isExecutable, onPath, runStep } from "./lib/go-module-build";

/**
 * The server release we run: the newest whose Go module the module proxy serves (1.44.1 and
 * later answer 403 there), and one that speaks the protocol of the inngest SDK v4. Its module
 * checksum and commit are pinned so the build is exactly that release.
 */
export const INNGEST_SERVER_VERSION = "1.44.0";
const MODULE_SUM = "h1:oVTw3ngLg6dijGWRT7dkSAU76X29mj39owBGvHRz+ww=";
const MODULE_COMMIT = "a54673a";
/** Found binaries older than this (or of another major version) are not used. */
const MIN_VERSION = [1, 44, 0] as const;

/** The server reports telemetry and checks for updates unless told not to. */
const QUIET_ENV = { ...process.env, DO_NOT_TRACK: "1", INNGEST_NO_UPDATE_NOTIFIER: "1" };

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** INNGEST_CACHE_DIR moves the cache (a trial build beside a cache other processes are using). */
const cacheDir = join(
  process.env.INNGEST_CACHE_DIR ? resolve(process.env.INNGEST_CACHE_DIR) : join(root, ".cache", "inngest"),
  INNGEST_SERVER_VERSION,
);
/** The cache as printed in advice: relative to the project when it is inside it. */
const cacheDirShown = relative(root, cacheDir).startsWith("..") ? cacheDir : relative(root, cacheDir);
const cachedBinary = join(cacheDir, "inngest");
/** The UI build's full output, kept for diagnosis when it fails. */
const uiLogPath = join(cacheDir, "ui-build.log");

/** The pnpm the UI workspace names in its packageManager field (pnpm 10 would fetch that one anyway). */
const PNPM = "pnpm@10.18.2";
/** What a build's note starts with when the web UI is in the binary (see go-module-build's buildNote). */
const UI_BUILT = "web UI built";
const UI_PLACEHOLDER = "placeholder page";

const log = (line: string) => process.stderr.write(`[inngest:install] ${line}\n`);

/** inngest-cli ships a Node script that its postinstall replaces with the real binary. */
function isNodeStub(path: string): boolean {
  const firstLine = readFileSync(path).subarray(0, 200).toString("latin1").split("\n")[0] ?? "";
  return firstLine.startsWith("#!") && firstLine.includes("node");
}

/** A binary counts only if it runs and reports a version. */
function version(path: string): string | null {
  const result = spawnSync(path, ["version"], { encoding: "utf8", timeout: 20_000, env: QUIET_ENV });
  return result.status === 0 ? ((result.stdout || result.stderr).trim().split("\n")[0] ?? "") : null;
}

function recentEnough(reported: string): boolean {
  const parts = /(\d+)\.(\d+)\.(\d+)/.exec(reported)?.slice(1).map(Number);
  if (!parts || parts[0] !== MIN_VERSION[0]) return false;
  return parts[1]! > MIN_VERSION[1] || (parts[1] === MIN_VERSION[1] && parts[2]! >= MIN_VERSION[2]);
}

/**
 * Builds the dev server's web UI from the module's own source into pkg/devserver/static/ (what
 * upstream's `make build-ui` does, less its codegen and tsc steps: the generated GraphQL client is in
 * the module, and tsc needs the whole workspace installed). Returns null when it is in place, or why not.
 * Only the npm registry is used (pnpm and the packages its lockfile pins).
 */
function buildWebUi(work: string): string | null {
  const ui = join(work, "ui");
  const app = join(ui, "apps", "dev-server-ui");
  if (!existsSync(join(app, "package.json")) || !existsSync(join(ui, "pnpm-lock.yaml")))
    return "the module has no ui/apps/dev-server-ui workspace";
  if (!onPath("npx")) return "npx (npm) is not on PATH";
  const env: NodeJS.ProcessEnv = {
    ...QUIET_ENV,
    CI: "1", // no prompts, no progress bars
    NODE_OPTIONS: [process.env.NODE_OPTIONS, "--max-old-space-size=4096"].filter(Boolean).join(" "),
    npm_config_update_notifier: "false",
  };
  // `npm run -s` passes loglevel=silent down, which leaves a failure here with nothing to report.
  delete env.npm_config_loglevel;
  rmSync(uiLogPath, { force: true });
  const logLines: string[] = [];
  const step = (label: string, command: string, args: string[], cwd: string, timeoutMs: number): string | null => {
    const result = runStep(command, args, { cwd, env, timeoutMs });
    logLines.push(
      `$ (cd ${cwd} && ${[command, ...args].join(" ")})  # ${result.ok ? "ok" : "failed"}, ${result.seconds} s`,
      result.output,
    );
    writeFileSync(uiLogPath, `${logLines.join("\n")}\n`);
    if (!result.ok) return `${label}: ${result.reason}`;
    log(`web UI: ${label} took ${result.seconds} s`);
    return null;
  };
  mkdirSync(cacheDir, { recursive: true });
  // The app and the workspace packages it uses, exactly as locked. --ignore-scripts: the
  // workspace's lifecycle scripts are `npx only-allow pnpm` and a husky git hook, neither needed;
  // esbuild's and rolldown's binaries come as per-platform optional packages.
  const failed =
    step(
      "pnpm install",
      "npx",
      [
        "--yes",
        PNPM,
        "install",
        "--frozen-lockfile",
        "--ignore-scripts",
        "--filter",
        "@inngest/dev-server-ui...",
        "--reporter=append-only",
      ],
      ui,
      15 * 60_000,
    ) ??
    step("vite build", join(app, "node_modules", ".bin", "vite"), ["build", "--mode=production"], app, 15 * 60_000);
  if (failed) return failed;
  const client = join(app, "dist", "client");
  if (!existsSync(join(client, "_shell.html"))) return "vite build made no dist/client/_shell.html";
  // The server serves only static/client (pkg/devserver/ui.go, api.go); dist/server, the SSR
  // bundle that upstream's Makefile copies too, is never read, so it is left out of the binary.
  const target = join(work, "pkg", "devserver", "static", "client");
  rmSync(target, { recursive: true, force: true });
  cpSync(client, target, { recursive: true });
  // The UI's node_modules are not needed for `go build ./cmd`; free the space before it runs.
  rmSync(join(ui, "node_modules"), { recursive: true, force: true });
  rmSync(join(app, "node_modules"), { recursive: true, force: true });
  return null;
}

function buildFromGoModule(failures: string[]): string | null {
  return buildGoModule(
    {
      module: `github.com/inngest/inngest@v${INNGEST_SERVER_VERSION}`,
      sum: MODULE_SUM,
      pkg: "./cmd",
      ldflags: `-s -w -X github.com/inngest/inngest/pkg/inngest/version.Version=${INNGEST_SERVER_VERSION} -X github.com/inngest/inngest/pkg/inngest/version.Hash=${MODULE_COMMIT}`,
      output: cachedBinary,
      env: QUIET_ENV,
      // The embedded docs are a git submodule upstream, not in the module: a placeholder lets the
      // server compile. The dev UI is built from the module's source; if that fails, a placeholder
      // page stands in (the server and its APIs work without the UI).
      prepare: (work) => {
        const skipped = process.env.INNGEST_BUILD_UI === "0" ? "INNGEST_BUILD_UI=0" : null;
        let why: string | null = skipped;
        if (!skipped) {
          log("building the dev server's web UI from the module's source (pnpm, vite; 1 to 2 minutes)…");
          try {
            why = buildWebUi(work);
          } catch (error) {
            why = error instanceof Error ? error.message : String(error);
          }
        }
        const placeholders: [string, string, string][] = [
          ["internal/embeddocs/website/pages/docs", "README.md", "# Docs not bundled in this build\n"],
        ];
        if (why) {
          log(
            `web UI not built, using a placeholder page: ${why}${existsSync(uiLogPath) && !skipped ? ` (full output: ${uiLogPath})` : ""}`,
          );
          // Nothing half-copied stays behind the placeholder.
          rmSync(join(work, "pkg/devserver/static/client"), { recursive: true, force: true });
          placeholders.push([
            "pkg/devserver/static/client",
            "_shell.html",
            `<!doctype html><title>Inngest Server</title><p>Inngest dev UI not bundled in this build: ${escapeHtml(why)}.</p><p>The server's APIs all work. To build it with the UI: <code>rm -r ${escapeHtml(cacheDirShown)} &amp;&amp; npm run inngest:install</code></p>`,
          ]);
        }
        for (const [dir, file, text] of placeholders) {
          const target = join(work, dir);
          mkdirSync(target, { recursive: true });
          if (!existsSync(join(target, file))) writeFileSync(join(target, file), text);
        }
        return why ? `${UI_PLACEHOLDER}: ${why}` : `${UI_BUILT} (ui/apps/dev-server-ui, ${PNPM}, vite)`;
      },
      verify: (binary) => {
        const reported = version(binary);
        return reported?.startsWith(INNGEST_SERVER_VERSION)
          ? null
          : `the freshly built binary reports "${reported}" instead of ${INNGEST_SERVER_VERSION}`;
      },
      log,
    },
    failures,
  );
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Whether the binary built here has the web UI, and if not, why and how to try again. */
function describeUi(path: string, { why = true } = {}): string {
  const note = buildNote(path);
  if (note?.startsWith(UI_BUILT)) return "with the web UI";
  const reason = note?.startsWith(UI_PLACEHOLDER)
    ? note.slice(UI_PLACEHOLDER.length + 2)
    : (note ?? "built before the installer built the UI");
  return `without the web UI${why ? ` (${reason})` : ""}; to build it again with the UI: rm -r ${cacheDirShown} && npm run inngest:install`;
}

export function resolveInngestBinary({ quiet = false } = {}): string {
  const say = quiet ? () => undefined : log;
  const failures: string[] = [];
  let staleCache: string | null = null;
  const candidates: [string, string | null | undefined][] = [
    ["INNGEST_BIN", process.env.INNGEST_BIN],
    ["the cache", cachedBinary],
    ["PATH", onPath("inngest")],
    ["the inngest-cli npm package", join(root, "node_modules", "inngest-cli", "bin", "inngest")],
  ];
  for (const [source, path] of candidates) {
    if (!path) continue;
    if (!existsSync(path) || !isExecutable(path)) {
      if (source === "INNGEST_BIN") failures.push(`INNGEST_BIN=${path} is not an executable file`);
      continue;
    }
    // Our own cache holds only binaries this script built and checked: no need to run them. One
    // built before the installer built the web UI (no build note) is replaced by a build with it,
    // and kept only if that build fails.
    if (source === "the cache") {
      if (buildNote(path) === null) {
        staleCache = path;
        continue;
      }
      say(`using ${path} (cached v${INNGEST_SERVER_VERSION}, ${describeUi(path)})`);
      return path;
    }
    if (isNodeStub(path)) {
      failures.push(`${path} (from ${source}) is inngest-cli's Node stub: its download did not run`);
      continue;
    }
    const reported = version(path);
    if (reported === null) {
      failures.push(`${path} (from ${source}) does not run`);
      continue;
    }
    // An explicit INNGEST_BIN is the user's choice; anything we find ourselves must be recent.
    if (source !== "INNGEST_BIN" && !recentEnough(reported)) {
      failures.push(`${path} (from ${source}) reports "${reported}", older than ${MIN_VERSION.join(".")}`);
      continue;
    }
    say(`using ${path} from ${source} (${reported})`);
    return path;
  }
  if (staleCache) say(`${staleCache} was built without the web UI: rebuilding it with the UI`);
  const built = buildFromGoModule(failures);
  if (built) {
    say(`using ${built} (v${INNGEST_SERVER_VERSION}, ${describeUi(built, { why: false })})`);
    return built;
  }
  if (staleCache) {
    say(`rebuilding failed (${failures.join("; ")}); using ${staleCache}, ${describeUi(staleCache, { why: false })}`);
    return staleCache;
  }
  throw new Error(
    [
      `No Inngest server binary could be found or built (wanted v${INNGEST_SERVER_VERSION}):`,
      ...failures.map((f) => `  - ${f}`),
      "Fix one of these:",
      `  - set INNGEST_BIN to an inngest binary ≥ ${MIN_VERSION.join(".")} (GitHub releases of inngest/inngest, or \`npm i -g inngest-cli\` where GitHub is reachable);`,
      "  - put an `inngest` binary on PATH;",
      `  - let Go build it: Go ≥ 1.26 and a Go module proxy that serves github.com/inngest/inngest@v${INNGEST_SERVER_VERSION}.`,
    ].join("\n"),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(resolveInngestBinary());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
