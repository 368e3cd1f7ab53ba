import type { Provider } from "@/generated/prisma/client";
import { connectorFor, hasApiConnector, MissingCredentialsError } from "@/server/connectors/tenant-connector";
import type { TenantDb } from "@/server/tenancy/tenant-db";

/** Calls the platform's cheapest authenticated endpoint with the stored credentials, and times it. */
export async function testConnection(db: TenantDb, connection: { id: string; provider: Provider }) {
  if (!hasApiConnector(connection.provider))
    return {
      ok: false as const,
      reason: "no_api" as const,
      message: "This platform only sends webhooks; there is no API to test.",
      latencyMs: 0,
    };
  const started = performance.now();
  const result = await connectorFor(db, connection.id)
    .then((connector) => connector.testConnection())
    .catch((error: unknown) => {
      if (error instanceof MissingCredentialsError)
        return { ok: false as const, reason: "bad_credentials" as const, message: error.message };
      throw error;
    });
  return { ...result, latencyMs: Math.round(performance.now() - started) };
}
