import type { Stack } from "../integration/harness";
import type { Simulator } from "@sim";

/** One measured figure; `target` and `met` only where the issue sets a target. */
export interface Figure {
  scenario: string;
  name: string;
  value: number | string;
  unit: string;
  target?: string;
  met?: boolean;
}

export interface BenchContext {
  /** The running stack (app, Inngest, database); absent for scenarios that need only a database. */
  stack: Stack;
  sim: Simulator;
  quick: boolean;
  log: (line: string) => void;
}

export interface ScenarioResult {
  figures: Figure[];
  /** Anything else worth keeping in results.json (raw samples, query plans, per-tenant times). */
  details?: Record<string, unknown>;
}

export interface Scenario {
  name: string;
  describe: string;
  /** False when the scenario makes its own database and needs no app or Inngest server. */
  needsStack: boolean;
  /** Runs on a stack started for it alone (e.g. memory figures an earlier scenario's load would skew). */
  freshStack?: boolean;
  run: (context: BenchContext) => Promise<ScenarioResult>;
}

/** A size from the environment (e.g. BENCH_SALES=50), else the quick or the full default. */
export function size(variable: string, full: number, quick: number, context: { quick: boolean }): number {
  const raw = process.env[variable];
  if (raw !== undefined && raw !== "") {
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${variable} must be a positive number, got "${raw}"`);
    return value;
  }
  return context.quick ? quick : full;
}

export function sizes(variable: string, full: number[], quick: number[], context: { quick: boolean }): number[] {
  const raw = process.env[variable];
  if (raw !== undefined && raw !== "") {
    const values = raw.split(",").map(Number);
    if (values.some((value) => !Number.isFinite(value) || value <= 0))
      throw new Error(`${variable} must be a comma-separated list of positive numbers, got "${raw}"`);
    return values;
  }
  return context.quick ? quick : full;
}
