// npm run test:e2e — the browser tests: Debian's Chromium (installed when missing), and the whole
// product as a user runs it: a production build on a fresh embedded database with the demo tenant,
// the real Inngest dev server and the platform simulators (see playwright.config.ts), then Playwright.
import { existsSync, rmSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { generateKeyringEntry } from "../src/server/crypto/secret-box";
import { resolveInngestBinary } from "./inngest-install";
import { startMailpit, type RunningMailpit } from "./lib/mailpit";
import { freePort } from "./lib/ports";
import { run, runStep } from "./lib/run";
import { CHROMIUM_PATH as CHROMIUM } from "../e2e/chromium";
import { E2E_ADMIN_USER, E2E_SUPPORT_USER } from "../e2e/support-user";

async function ensureChromium(): Promise<void> {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Install Debian's package (sudo apt-get install -y chromium) or set CHROMIUM_PATH.`,
    );
  }
  console.log("[e2e] Installing Debian's chromium (once)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  if (
    (await run("apt-get", ["update", "-qq"], env)) !== 0 ||
    (await run("apt-get", ["install", "-y", "-qq", "chromium"], env)) !== 0
  ) {
    throw new Error("apt-get could not install chromium; install it by hand or set CHROMIUM_PATH.");
  }
}

const dataDir = ".data/e2e";
const appPort = Number(process.env.E2E_PORT ?? 3100);
// Every other port is picked free at run time, so several checkouts can run their tests at once.
const [simPort, receiverPort, inngestPort, ...inngestInternalPorts] = await Promise.all(
  Array.from({ length: 7 }, freePort),
);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  NODE_ENV: "production",
  NEXT_TELEMETRY_DISABLED: "1",
  DATA_DIR: dataDir,
  DATABASE_URL: process.env.E2E_DATABASE_URL ?? "",
  AUTH_SECRET: randomBytes(32).toString("base64url"),
  STOCKHOOK_ENCRYPTION_KEYS: generateKeyringEntry("e2e"),
  CHROMIUM_PATH: CHROMIUM,
  E2E_PORT: String(appPort),
  APP_URL: `http://127.0.0.1:${appPort}`,
  SIM_PORT: String(simPort),
  SIM_URL: `http://127.0.0.1:${simPort}`,
  INNGEST_DEV: "1",
  INNGEST_BASE_URL: `http://127.0.0.1:${inngestPort}`,
  E2E_INNGEST_PORTS: [inngestPort, ...inngestInternalPorts].join(","),
  DO_NOT_TRACK: "1",
  INNGEST_NO_UPDATE_NOTIFIER: "1",
  // A storefront outage test waits for the breaker to close again; production keeps 60 s.
  STOCKHOOK_CIRCUIT_OPEN_MS: "2000",
  // The outbound webhooks spec's receiver listens here; with the simulators, the only loopback
  // addresses the app may call (playwright.config.ts hands them to the app as OUTBOUND_ALLOW_LIST).
  E2E_RECEIVER_PORT: String(receiverPort),
  E2E_ALLOW_LIST: [`127.0.0.1:${simPort}`, `127.0.0.1:${receiverPort}`].join(","),
  // Storefront pushes retry every 5 s (seven attempts in about half a minute) instead of 10 s … 10 min.
  STOCKHOOK_PUSH_RETRY_DELAYS: "5,5,5,5,5,5",
};

let mailpit: RunningMailpit | undefined;
try {
  await ensureChromium();
  // Account mail (confirmation links, invitations) goes to a real SMTP receiver the specs read back.
  mailpit = await startMailpit();
  env.SMTP_URL = mailpit.smtpUrl;
  env.MAILPIT_API_URL = mailpit.apiUrl;
  env.E2E_INNGEST_BIN = resolveInngestBinary();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync("test-results/screenshots", { recursive: true, force: true });
  const tsx = ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server"];
  await runStep("e2e: migrate a fresh database", process.execPath, [...tsx, "scripts/db-migrate.ts"], env);
  await runStep("e2e: seed the demo tenant", process.execPath, [...tsx, "scripts/db-seed.ts"], env);
  // The staff e2e/support.spec.ts signs in as, made the way an operator would.
  for (const staff of [E2E_SUPPORT_USER, E2E_ADMIN_USER]) {
    await runStep(
      `e2e: create the ${staff.role} user`,
      process.execPath,
      [
        ...tsx,
        "scripts/admin-create.ts",
        staff.email,
        "--role",
        staff.role,
        "--password",
        staff.password,
        "--name",
        staff.name,
      ],
      env,
    );
  }
  if (process.env.E2E_REUSE_BUILD && existsSync(".next/BUILD_ID"))
    console.log("[e2e] Reusing the existing production build (E2E_REUSE_BUILD)");
  else await runStep("e2e: production build", process.execPath, ["node_modules/next/dist/bin/next", "build"], env);
  await runStep(
    "e2e: Playwright in Chromium",
    process.execPath,
    ["node_modules/@playwright/test/cli.js", "test", ...process.argv.slice(2)],
    env,
  );
} catch (error) {
  console.error(`[e2e] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
await mailpit?.stop();
