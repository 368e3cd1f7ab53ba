import { readSimulatorTarget, simulatorTargetsFile } from "@/server/demo/simulator-targets";
import { runSimCli } from "@sim/cli";

/**
 * `npm run sim` — the platform simulators for local development, and one-off signed webhooks.
 * `--tenant demo` finds the webhook URL and signing secret the demo seed registered with the
 * simulated platform (see src/server/demo/simulator-targets.ts).
 */
process.exitCode = await runSimCli(process.argv.slice(2), {
  resolveTarget: async ({ tenant, provider }) => {
    const file = simulatorTargetsFile(process.env.DATA_DIR);
    const target = readSimulatorTarget(tenant, provider, file);
    if (!target)
      throw new Error(
        `no ${provider} webhook registered for tenant "${tenant}" in ${file}; run npm run db:seed (or npm run dev) first, or pass --url and --secret`,
      );
    return target;
  },
});
