import "server-only";
import type { PrismaClient } from "@/generated/prisma/client";
import { createConnector, PROVIDERS, type ConnectorHttpOptions, type ConnectorProvider } from "@/server/connectors";
import { revealSecret } from "@/server/crypto/secret-store";
import { recordSecretUse } from "@/server/crypto/secret-usage";
import { scopeToTenant, type TenantDb } from "@/server/tenancy/tenant-db";

/**
 * A live connector for one of a tenant's connections: its platform, base URL and API
 * credentials, unsealed from the secret store (stored as JSON in an API_CREDENTIAL secret).
 */
export class MissingCredentialsError extends Error {
  constructor(connectionName: string) {
    super(`Connection "${connectionName}" has no API credentials; add them on the Connections page`);
    this.name = "MissingCredentialsError";
  }
}

export function hasApiConnector(provider: string): provider is ConnectorProvider {
  return (PROVIDERS as readonly string[]).includes(provider);
}

export async function connectorFor(db: TenantDb, connectionId: string, http?: ConnectorHttpOptions) {
  const connection = await db.connection.findFirstOrThrow({
    where: { id: connectionId },
    select: { id: true, name: true, provider: true, baseUrl: true },
  });
  if (!hasApiConnector(connection.provider))
    throw new Error(`${connection.provider} connections have no API connector`);
  const secret = await db.secret.findFirst({
    where: { connectionId, purpose: "API_CREDENTIAL", revokedAt: null },
    orderBy: { createdAt: "desc" },
    select: { id: true },
  });
  if (!secret) throw new MissingCredentialsError(connection.name);
  const credentials = JSON.parse(await revealSecret(db, secret.id)) as never;
  const connector = createConnector({ provider: connection.provider, baseUrl: connection.baseUrl, credentials, http });
  // A connector is built only to call the platform with these credentials: that is their use.
  await recordSecretUse(db, secret.id);
  return connector;
}

export function connectorForConnection(
  prisma: PrismaClient,
  tenantId: string,
  connectionId: string,
  http?: ConnectorHttpOptions,
) {
  return connectorFor(scopeToTenant(prisma, tenantId), connectionId, http);
}
