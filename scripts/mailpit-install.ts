// npm run mailpit:install — finds or builds Mailpit, the local SMTP receiver `npm run dev` and the
// tests send mail to, cached in .cache/mailpit/<version>/ (gitignored). Prints the binary's path.
//
// Tried in order: MAILPIT_BIN; the cache; `mailpit` on PATH; building the pinned version from the
// Go module github.com/axllent/mailpit. The module carries the SMTP server and the HTTP API but not
// the compiled web UI (built by a separate JavaScript toolchain upstream); the build puts a small
// inbox page in its place (a list of messages, each opening /view/<id>.html), and the dev console
// prints each message's link too.
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { buildGoModule, isExecutable, onPath } from "./lib/go-module-build";

export const MAILPIT_VERSION = "1.33.1";
const MODULE_SUM = "h1:5cW1C4QrxRKh9qNiRYvSVaYw82BU1lGt/mYZtGUmi7A=";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
/** The suffix changes whenever the bundled inbox page does, so a cached build is replaced. */
const cacheDir = join(root, ".cache", "mailpit", `${MAILPIT_VERSION}-inbox1`);
const cachedBinary = join(cacheDir, "mailpit");

const log = (line: string) => process.stderr.write(`[mailpit:install] ${line}\n`);

function buildFromGoModule(failures: string[]): string | null {
  return buildGoModule(
    {
      module: `github.com/axllent/mailpit@v${MAILPIT_VERSION}`,
      sum: MODULE_SUM,
      pkg: ".",
      ldflags: `-s -w -X github.com/axllent/mailpit/config.Version=v${MAILPIT_VERSION}`,
      output: cachedBinary,
      // Mailpit's page loads /dist/app.js and /dist/app.css, which only its JavaScript build makes.
      prepare: (work) => {
        mkdirSync(join(work, "server", "ui", "dist"), { recursive: true });
        writeFileSync(join(work, "server", "ui", "dist", "app.js"), INBOX_SCRIPT);
        writeFileSync(join(work, "server", "ui", "dist", "app.css"), INBOX_STYLE);
      },
      log,
    },
    failures,
  );
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
