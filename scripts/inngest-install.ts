// npm run inngest:install — finds or builds the open-source Inngest server binary, cached in
// .cache/inngest/<version>/ (gitignored). Prints the binary's path as its last line.
//
// Tried in order: INNGEST_BIN; `inngest` on PATH; the inngest-cli npm package's binary
// (optional dependency: it downloads from GitHub, so it works only with internet access);
// building the pinned version from the Go module github.com/inngest/inngest.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildGoModule, isExecutable, onPath } from "./lib/go-module-build";

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
const cacheDir = join(root, ".cache", "inngest", INNGEST_SERVER_VERSION);
const cachedBinary = join(cacheDir, "inngest");

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

function buildFromGoModule(failures: string[]): string | null {
  return buildGoModule(
    {
      module: `github.com/inngest/inngest@v${INNGEST_SERVER_VERSION}`,
      sum: MODULE_SUM,
      pkg: "./cmd",
      ldflags: `-s -w -X github.com/inngest/inngest/pkg/inngest/version.Version=${INNGEST_SERVER_VERSION} -X github.com/inngest/inngest/pkg/inngest/version.Hash=${MODULE_COMMIT}`,
      output: cachedBinary,
      env: QUIET_ENV,
      // The dev UI and embedded docs are built by separate toolchains and are not in the module;
      // placeholders let the server compile, without the browser UI.
      prepare: (work) => {
        for (const [dir, file, text] of [
          [
            "pkg/devserver/static/client",
            "_shell.html",
            "<!doctype html><p>Inngest dev UI not bundled in this build.</p>",
          ],
          ["internal/embeddocs/website/pages/docs", "README.md", "# Docs not bundled in this build\n"],
        ] as const) {
          const target = join(work, dir);
          mkdirSync(target, { recursive: true });
          if (!existsSync(join(target, file))) writeFileSync(join(target, file), text);
        }
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

export function resolveInngestBinary({ quiet = false } = {}): string {
  const say = quiet ? () => undefined : log;
  const failures: string[] = [];
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
    // Our own cache holds only binaries this script built and checked: no need to run them.
    if (source === "the cache") {
      say(`using ${path} (cached v${INNGEST_SERVER_VERSION})`);
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
  const built = buildFromGoModule(failures);
  if (built) return built;
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
