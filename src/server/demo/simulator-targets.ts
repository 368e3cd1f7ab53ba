import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * Development only: where each simulated platform delivers its webhooks, and the signing secret
 * it signs them with. A real platform keeps this in its own webhook settings; the simulator
 * keeps it in the gitignored data folder (readable by its owner only), written when the demo
 * tenant is seeded, so `npm run sim -- sale --tenant demo …` works while the app holds the
 * embedded database open.
 */
export interface SimulatorTarget {
  url: string;
  secret: string;
}

type Targets = Record<string, SimulatorTarget>;

/** The file under the data directory (DATA_DIR, default .data); tools pass their own DATA_DIR. */
export function simulatorTargetsFile(dataDir = ".data"): string {
  return join(dataDir, "simulator-webhooks.json");
}

const keyOf = (tenant: string, provider: string) => `${tenant}:${provider.toLowerCase()}`;

export function readSimulatorTarget(
  tenant: string,
  provider: string,
  file = simulatorTargetsFile(),
): SimulatorTarget | undefined {
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, "utf8")) as Targets)[keyOf(tenant, provider)];
}

export function writeSimulatorTargets(
  tenant: string,
  targets: Record<string, SimulatorTarget>,
  file = simulatorTargetsFile(),
): void {
  const all: Targets = existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as Targets) : {};
  for (const [provider, target] of Object.entries(targets)) all[keyOf(tenant, provider)] = target;
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}
