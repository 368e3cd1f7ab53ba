import { runSimCli } from "@/sim/cli";

/**
 * `npm run sim` — the platform simulators for local development, and one-off signed webhooks.
 * To make `--tenant demo` work, pass a `resolveTarget` that looks up the connection's webhook
 * URL and signing secret: `runSimCli(argv, { resolveTarget })`.
 */
process.exitCode = await runSimCli(process.argv.slice(2));
