// npm run dev — the whole product on one machine with no setup: the embedded database
// (migrated and seeded), the Next.js dev server and the Inngest dev server, with prefixed logs
// and a clean Ctrl-C.
import { DEMO_TENANT_SLUG, DEMO_USER, seedDemoTenant } from "../src/server/demo/demo-tenant";
import { applyPendingMigrations } from "../src/server/migrations/schema-engine";
import { migrationLog } from "./lib/migration-log";
import { resolveInngestBinary } from "./inngest-install";
import { ensureLocalEnv } from "./lib/local-env";
import { mailpitArgs, waitForMailpit } from "./lib/mailpit";
import { watchMailpit } from "./lib/mail-watch";
import { resolveMailpitBinary } from "./mailpit-install";
import { openScriptDatabase } from "./lib/script-db";
import { assertPortFree, Supervisor } from "./lib/supervisor";

const port = Number(process.env.PORT ?? 3000);
const inngestPort = Number(process.env.INNGEST_PORT ?? 8288);
const simPort = Number(process.env.SIM_PORT ?? 4010);
const mailSmtpPort = Number(process.env.MAILPIT_SMTP_PORT ?? 1025);
const mailHttpPort = Number(process.env.MAILPIT_PORT ?? 8025);

process.env.APP_URL ??= `http://localhost:${port}`;
// The platform simulators run on loopback, and the app's own built-in test inbox (/api/dev/inbox,
// development only) receives outbound webhooks there: connectors and deliveries may call these
// only because they are named here. A tenant's own local receiver is added the same way
// (OUTBOUND_ALLOW_LIST=127.0.0.1:9000 npm run dev); production never honours the list.
process.env.OUTBOUND_ALLOW_LIST = [
  process.env.OUTBOUND_ALLOW_LIST,
  `127.0.0.1:${simPort}`,
  `localhost:${simPort}`,
  `127.0.0.1:${port}`,
  `localhost:${port}`,
]
  .filter(Boolean)
  .join(",");
process.env.NEXT_TELEMETRY_DISABLED ??= "1";
// Self-hosted or cloud Inngest when INNGEST_BASE_URL / INNGEST_EVENT_KEY are set; else the local dev server.
const localInngest = !process.env.INNGEST_EVENT_KEY;
if (localInngest) {
  process.env.INNGEST_DEV ??= "1";
  process.env.INNGEST_BASE_URL ??= `http://127.0.0.1:${inngestPort}`;
}

function findInngest(): string | null {
  try {
    return resolveInngestBinary();
  } catch (error) {
    console.warn(`\n[dev] ${error instanceof Error ? error.message : String(error)}`);
    console.warn(
      "[dev] Starting WITHOUT the Inngest server: webhooks are still verified, stored and acknowledged (QUEUED),",
    );
    console.warn("[dev] and are processed as soon as an Inngest server runs (the sweeper re-sends them).\n");
    return null;
  }
}

function findMailpit(): string | null {
  try {
    return resolveMailpitBinary();
  } catch (error) {
    console.warn(`\n[dev] ${error instanceof Error ? error.message : String(error)}`);
    console.warn(
      "[dev] Starting WITHOUT a mail receiver: confirmation and invitation mail is printed in the [next] log instead.\n",
    );
    return null;
  }
}

async function prepareDatabase(): Promise<boolean> {
  const database = openScriptDatabase();
  try {
    const applied = await applyPendingMigrations(database.factory, migrationLog);
    console.log(
      `[db] ${database.description}: ${applied.length ? `applied ${applied.join(", ")}` : "migrations up to date"}`,
    );
    return (await seedDemoTenant(database.prisma)).created;
  } finally {
    // The embedded database allows one process at a time; the app opens it next.
    await database.close();
  }
}

try {
  ensureLocalEnv();
  await assertPortFree(port, "the app", "PORT");
  const inngest = localInngest ? findInngest() : null;
  if (inngest) await assertPortFree(inngestPort, "the Inngest dev server", "INNGEST_PORT");
  await assertPortFree(simPort, "the platform simulators", "SIM_PORT");
  // Account mail goes to a local Mailpit unless SMTP_URL (environment or .env.local) names a real server.
  const localMail = !process.env.SMTP_URL;
  const mailpit = localMail ? findMailpit() : null;
  if (mailpit) {
    await assertPortFree(mailSmtpPort, "Mailpit's SMTP server", "MAILPIT_SMTP_PORT");
    await assertPortFree(mailHttpPort, "Mailpit's HTTP API", "MAILPIT_PORT");
    process.env.SMTP_URL = `smtp://127.0.0.1:${mailSmtpPort}`;
  }
  const seeded = await prepareDatabase();
  const supervisor = new Supervisor();
  supervisor.start({
    name: "next",
    command: process.execPath,
    args: ["node_modules/next/dist/bin/next", "dev", "--port", String(port)],
    env: { LOG_PRETTY: process.env.LOG_PRETTY ?? "1" },
  });
  supervisor.start({
    name: "sim",
    command: process.execPath,
    args: ["node_modules/tsx/dist/cli.mjs", "--conditions=react-server", "scripts/sim.ts"],
    env: { SIM_PORT: String(simPort) },
  });
  if (inngest) {
    supervisor.start({
      name: "inngest",
      command: inngest,
      args: [
        "dev",
        "--sdk-url",
        `http://127.0.0.1:${port}/api/inngest`,
        "--no-discovery",
        "--no-poll",
        "--port",
        String(inngestPort),
      ],
      env: { DO_NOT_TRACK: "1", INNGEST_NO_UPDATE_NOTIFIER: "1" },
    });
  }
  const mailApi = `http://127.0.0.1:${mailHttpPort}`;
  if (mailpit) {
    const child = supervisor.start({ name: "mail", command: mailpit, args: mailpitArgs(mailSmtpPort, mailHttpPort) });
    await waitForMailpit(mailApi, () => child.exitCode !== null);
    watchMailpit(mailApi);
  }
  console.log(`\n  Stockhook is starting at ${process.env.APP_URL}`);
  if (mailpit)
    console.log(
      `  Mail (sign-up links, invitations) goes to Mailpit: read it at ${mailApi}/ — each message is also printed here as [mail] with its link`,
    );
  else if (localMail)
    console.log("  Mail is not sent: no receiver and no SMTP_URL; the [next] log prints each message.");
  else console.log(`  Mail goes out through SMTP_URL (${new URL(process.env.SMTP_URL!).host})`);
  console.log(
    `  Demo tenant "${DEMO_TENANT_SLUG}": sign in as ${DEMO_USER.email} / ${DEMO_USER.password}${seeded ? " (just created)" : ""}`,
  );
  console.log(
    `  Sell a painting at the simulated gallery POS: npm run sim -- sale --tenant ${DEMO_TENANT_SLUG} --sku ART-0007\n`,
  );
  process.exitCode = await supervisor.done;
} catch (error) {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
