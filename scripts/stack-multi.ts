// npm run stack:multi [-- --instances N] — the production layout on this machine, for trying it by
// hand: N `next start` processes (default 2) behind HAProxy, `inngest start` with its queue in
// Redis and its history in PostgreSQL, a throwaway database, a local Mailpit and the platform
// simulators with one demo tenant. Prints the addresses and runs until Ctrl-C, then removes the
// databases. Needs what the integration tests need: DATABASE_URL, a production build, the Inngest
// binary (npm run inngest:install), Redis on 127.0.0.1:6379; HAProxy is installed when missing.
import { createSimulator } from "@sim";
import { integrationPrerequisites, startStack } from "../integration/harness";
import { createShopTenant } from "../integration/fixtures";

const flag = process.argv.indexOf("--instances");
const instances = flag >= 0 ? Number(process.argv[flag + 1]) : 2;
if (!Number.isInteger(instances) || instances < 1) {
  console.error("--instances takes a whole number ≥ 1");
  process.exit(2);
}
const missing = integrationPrerequisites();
if (missing) {
  console.error(`[stack:multi] cannot start: ${missing}`);
  process.exit(1);
}

const sim = await createSimulator();
console.log(`[stack:multi] starting ${instances} app instance(s), HAProxy and inngest start…`);
const stack = await startStack({ instances, inngest: "self-hosted", allow: [sim.url] });
const tenant = await createShopTenant(stack, sim, { items: 50 });
const lines = [
  `app (through HAProxy):  ${stack.appUrl}`,
  ...stack.instanceUrls.map((url, index) => `instance app${index}:         ${url}`),
  ...(stack.balancerConfigFile ? [`haproxy.cfg:            ${stack.balancerConfigFile}`] : []),
  `Inngest server:         ${stack.inngestUrl} (queue: ${stack.inngestRedisUrl})`,
  `database:               ${stack.databaseName} on ${new URL(process.env.DATABASE_URL!).host}`,
  `simulators:             ${sim.url}`,
  `demo webhook URL:       ${tenant.webhookUrl}`,
  `demo signing secret:    ${tenant.signingSecret}`,
  `health (with token):    curl -H 'authorization: Bearer ${stack.env.HEALTH_TOKEN}' ${stack.appUrl}/api/health`,
];
console.log(`\n${lines.join("\n")}\n\nCtrl-C stops everything and drops the databases.`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\n[stack:multi] stopping…");
  await stack.stop();
  await sim.close();
  process.exit(0);
};
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());
