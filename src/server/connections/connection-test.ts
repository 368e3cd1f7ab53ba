import type { Provider } from "@/generated/prisma/client";
import { createConnector } from "@/server/connectors";
import { connectorFor, hasApiConnector, MissingCredentialsError } from "@/server/connectors/tenant-connector";
import type { UrlPolicy } from "@/server/network/url-safety";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { checkCallableUrl, InvalidSetupError, parseConnectionCredentials } from "./connection-setup";

const NO_API = {
  ok: false as const,
  reason: "no_api" as const,
  message: "This platform only sends webhooks; there is no API to test.",
};

/** Calls the platform's cheapest authenticated endpoint with the stored credentials, and times it. */
export async function testConnection(db: TenantDb, connection: { id: string; provider: Provider }) {
  if (!hasApiConnector(connection.provider)) return { ...NO_API, latencyMs: 0 };
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

/**
 * The same call with credentials the wizard has not saved yet, so a wrong key is caught before a
 * connection exists. The address and any token URL pass the outbound address rules first (a
 * refusal is a field error), and the connector's own guarded fetch applies them again on connect.
 */
export async function testUnsavedCredentials(
  input: { provider: Provider; baseUrl: string; credentials: Record<string, unknown> },
  policy?: UrlPolicy,
) {
  if (!hasApiConnector(input.provider)) return { ...NO_API, latencyMs: 0 };
  const baseUrl = await checkCallableUrl(input.baseUrl, "baseUrl", policy);
  const credentials = parseConnectionCredentials(input.provider, input.credentials);
  if (!credentials) throw new InvalidSetupError("This platform has no API credentials");
  const tokenUrl = (JSON.parse(credentials) as { tokenUrl?: unknown }).tokenUrl;
  if (typeof tokenUrl === "string") await checkCallableUrl(tokenUrl, "tokenUrl", policy);
  const started = performance.now();
  const connector = createConnector({
    provider: input.provider,
    baseUrl,
    credentials: JSON.parse(credentials) as never,
    http: policy ? { network: policy } : undefined,
  });
  const result = await connector.testConnection();
  return { ...result, latencyMs: Math.round(performance.now() - started) };
}
