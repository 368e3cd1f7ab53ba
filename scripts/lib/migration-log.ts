import type { EngineLog } from "../../src/server/migrations/schema-engine";

/** The schema engine's progress on stderr when STOCKHOOK_DEBUG_MIGRATIONS is set; otherwise nothing. */
export const migrationLog: EngineLog | undefined = process.env.STOCKHOOK_DEBUG_MIGRATIONS
  ? (message) => console.error(`[schema-engine] ${message}`)
  : undefined;
