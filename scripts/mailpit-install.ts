// npm run mailpit:install — finds or builds Mailpit, the local SMTP receiver `npm run dev` and the
// tests send mail to, cached in .cache/mailpit/<version>/ (gitignored). Prints the binary's path.
//
// Tried in order: MAILPIT_BIN; the cache; `mailpit` on PATH; building the pinned version from the
// Go module github.com/axllent/mailpit. The module carries the SMTP server and the HTTP API but not
// the compiled web UI (built by a separate JavaScript toolchain upstream); the build puts a small
// inbox page in its place (a list of messages, each opening /view/<id>.html), and the dev console
// prints each message's link too.
import { spawnSync } from "node:child_process";
import { accessSync, constants, cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const MAILPIT_VERSION = "1.33.1";
const MODULE_SUM = "h1:5cW1C4QrxRKh9qNiRYvSVaYw82BU1lGt/mYZtGUmi7A=";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The suffix changes whenever the bundled inbox page does, so a cached build is replaced. */
const cacheDir = join(root, ".cache", "mailpit", `${MAILPIT_VERSION}-inbox1`);
const cachedBinary = join(cacheDir, "mailpit");

const log = (line: string) => process.stderr.write(`[mailpit:install] ${line}\n`);

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    if (dir && isExecutable(candidate)) return candidate;
  }
  return null;
}

function buildFromGoModule(failures: string[]): string | null {
  if (!onPath("go")) {
    failures.push("Go is not installed (needed to build Mailpit from its Go module)");
    return null;
  }
  const goModule = `github.com/axllent/mailpit@v${MAILPIT_VERSION}`;
  log(`building ${goModule} with Go (first time only; a few minutes)…`);
  const started = Date.now();
  const download = spawnSync("go", ["mod", "download", "-json", goModule], { encoding: "utf8", timeout: 20 * 60_000 });
  let info: { Dir?: string; Sum?: string; Error?: string } = {};
  try {
    info = JSON.parse(download.stdout || "{}") as typeof info;
  } catch {
    /* reported below */
  }
  if (download.status !== 0 || !info.Dir) {
    failures.push(`the Go module proxy did not serve ${goModule}: ${(info.Error ?? download.stderr ?? "").trim().split("\n")[0]}`);
    return null;
  }
  if (info.Sum !== MODULE_SUM) {
    failures.push(`${goModule} has checksum ${info.Sum}, expected ${MODULE_SUM}; refusing to build it`);
    return null;
  }
  const work = mkdtempSync(join(tmpdir(), "mailpit-build-"));
  try {
    cpSync(info.Dir, work, { recursive: true });
    spawnSync("chmod", ["-R", "u+w", work]);
    // Mailpit's page loads /dist/app.js and /dist/app.css, which only its JavaScript build makes.
    mkdirSync(join(work, "server", "ui", "dist"), { recursive: true });
    writeFileSync(join(work, "server", "ui", "dist", "app.js"), INBOX_SCRIPT);
    writeFileSync(join(work, "server", "ui", "dist", "app.css"), INBOX_STYLE);
    mkdirSync(cacheDir, { recursive: true });
    const partial = `${cachedBinary}.partial`;
    // As the upstream Dockerfile: no cgo, version stamped in.
    const build = spawnSync("go", ["build", "-ldflags", `-s -w -X github.com/axllent/mailpit/config.Version=v${MAILPIT_VERSION}`, "-o", partial, "."], {
      cwd: work,
      encoding: "utf8",
      env: { ...process.env, CGO_ENABLED: "0", GOFLAGS: "-trimpath -buildvcs=false -mod=readonly", GOWORK: "off", GOTOOLCHAIN: process.env.GOTOOLCHAIN ?? "local" },
      timeout: 40 * 60_000,
    });
    if (build.status !== 0) {
      failures.push(`go build failed: ${(build.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
      return null;
    }
    renameSync(partial, cachedBinary);
    log(`built ${cachedBinary} in ${Math.round((Date.now() - started) / 1000)} s`);
    return cachedBinary;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const INBOX_SCRIPT = `// A minimal inbox in place of Mailpit's web UI (not in its Go module): newest first, refreshed every 3 s.
const root = document.getElementById("app");
async function render() {
  const answer = await fetch("api/v1/messages?limit=200").then((r) => r.json()).catch(() => null);
  if (!answer) return;
  const heading = document.createElement("h1");
  heading.textContent = "Mailpit: " + answer.total + " message(s)";
  const note = document.createElement("p");
  note.textContent = "Local inbox. Each message opens as its recipient sees it; the API is at /api/v1/.";
  const list = document.createElement("ul");
  for (const message of answer.messages) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = "view/" + message.ID + ".html";
    link.textContent = message.Subject || "(no subject)";
    const meta = document.createElement("span");
    meta.textContent = " to " + message.To.map((t) => t.Address).join(", ") + ", " + new Date(message.Created).toLocaleString();
    item.append(link, meta);
    list.append(item);
  }
  root.replaceChildren(heading, note, list);
}
render();
setInterval(render, 3000);
`;

const INBOX_STYLE = `body { font-family: system-ui, sans-serif; margin: 2rem; color: #0f172a; }
li { margin: 0.4rem 0; } span { color: #64748b; } a { color: #4f46e5; font-weight: 600; }
`;

export function resolveMailpitBinary({ quiet = false } = {}): string {
  const say = quiet ? () => undefined : log;
  const failures: string[] = [];
  for (const [source, path] of [
    ["MAILPIT_BIN", process.env.MAILPIT_BIN],
    ["the cache", cachedBinary],
    ["PATH", onPath("mailpit")],
  ] as const) {
    if (!path) continue;
    if (existsSync(path) && isExecutable(path)) {
      say(`using ${path} from ${source}`);
      return path;
    }
    if (source === "MAILPIT_BIN") failures.push(`MAILPIT_BIN=${path} is not an executable file`);
  }
  const built = buildFromGoModule(failures);
  if (built) return built;
  throw new Error(
    [
      `Mailpit v${MAILPIT_VERSION} could not be found or built:`,
      ...failures.map((f) => `  - ${f}`),
      "Fix one of these: set MAILPIT_BIN to a mailpit binary; put `mailpit` on PATH; or install Go ≥ 1.26 with a Go module proxy that serves github.com/axllent/mailpit.",
    ].join("\n"),
  );
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(resolveMailpitBinary());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
