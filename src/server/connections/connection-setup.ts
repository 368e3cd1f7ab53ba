import { z } from "zod";
import type { Provider, SyncSchedule } from "@/generated/prisma/client";
import { credentialsSchemas } from "@/server/connectors/credentials";
import { generateSigningSecret, storeSecret } from "@/server/crypto/secret-store";
import { checkUrlForSaving, UnsafeUrlError, urlPolicyFromEnv, type UrlPolicy } from "@/server/network/url-safety";
import { hasApiConnector } from "@/server/connectors/tenant-connector";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { PROVIDER_GUIDES, type Direction } from "./provider-guides";
import { DomainError } from "@/server/errors";

/**
 * Creating a connection is one transaction: the connection, its webhook signing secret and its
 * API credentials (both sealed), so a failure leaves nothing half-made.
 */
export class InvalidSetupError extends DomainError {
  constructor(
    message: string,
    readonly validation?: z.ZodError,
  ) {
    super("INVALID_SETUP", message);
    this.name = "InvalidSetupError";
  }
}

export interface NewConnection {
  provider: Provider;
  direction: Direction;
  name: string;
  baseUrl: string;
  syncSchedule: SyncSchedule;
  credentials: Record<string, unknown>;
  /** Platforms that own their signing secret (Shopify's app client secret) hand it to us. */
  signingSecret?: string;
}

/** Business Central accepts a bare token too (for tests); the wizard asks for the OAuth client. */
function credentialSchemaFor(provider: Provider) {
  if (provider === "BUSINESS_CENTRAL") return credentialsSchemas.BUSINESS_CENTRAL.options[1];
  return hasApiConnector(provider) ? credentialsSchemas[provider] : null;
}

/** Empty optional fields arrive as ""; drop them so the schemas apply their defaults. */
function withoutBlanks(raw: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== "" && value !== null && value !== undefined),
  );
}

/** The credential a person recognises by its last four characters: the first secret field. */
export function credentialHint(provider: Provider, credentials: Record<string, unknown>): string {
  const field = PROVIDER_GUIDES[provider].credentials.find((f) => f.secret && typeof credentials[f.name] === "string");
  return field ? String(credentials[field.name]) : "";
}

/** A URL Stockhook will call, judged by the outbound address rules; a refusal is a field error. */
export async function checkCallableUrl(
  raw: string,
  field: string,
  policy: UrlPolicy = urlPolicyFromEnv(),
): Promise<string> {
  try {
    await checkUrlForSaving(raw, policy);
    return raw;
  } catch (error) {
    if (!(error instanceof UnsafeUrlError)) throw error;
    throw new InvalidSetupError(
      error.message,
      new z.ZodError([{ code: "custom", path: [field], message: error.message, input: raw }]),
    );
  }
}

/** The Business Central token URL receives the client secret: the same rules as the API address. */
async function checkCredentialUrls(credentials: string | null, policy?: UrlPolicy): Promise<void> {
  const tokenUrl = credentials ? (JSON.parse(credentials) as { tokenUrl?: unknown }).tokenUrl : undefined;
  if (typeof tokenUrl === "string") await checkCallableUrl(tokenUrl, "tokenUrl", policy);
}

export function parseConnectionCredentials(provider: Provider, raw: Record<string, unknown>): string | null {
  const schema = credentialSchemaFor(provider);
  if (!schema) return null;
  const numericFields = new Set(PROVIDER_GUIDES[provider].credentials.filter((f) => f.numeric).map((f) => f.name));
  const cleaned = Object.fromEntries(
    Object.entries(withoutBlanks(raw)).map(([key, value]) => [key, numericFields.has(key) ? Number(value) : value]),
  );
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) throw new InvalidSetupError("Some API credentials are not valid", parsed.error);
  return JSON.stringify(parsed.data);
}

export async function createConnection(db: TenantDb, input: NewConnection, policy?: UrlPolicy) {
  const guide = PROVIDER_GUIDES[input.provider];
  if (!guide.directions.includes(input.direction)) {
    throw new InvalidSetupError(
      `${guide.label} can only be connected as a ${guide.directions.map((d) => d.toLowerCase()).join(" or ")}`,
    );
  }
  if (guide.signing === "platform" && !input.signingSecret)
    throw new InvalidSetupError(`Paste your ${guide.signingSecretLabel.toLowerCase()} so webhooks can be verified`);
  const baseUrl = await checkCallableUrl(input.baseUrl, "baseUrl", policy);
  const credentials = parseConnectionCredentials(input.provider, input.credentials);
  await checkCredentialUrls(credentials, policy);
  const signingSecret = guide.signing === "platform" ? input.signingSecret! : generateSigningSecret();
  return db.$transaction(async (tx) => {
    const scoped = { ...db, connection: tx.connection, secret: tx.secret } as TenantDb;
    const connection = await scoped.connection.create({
      data: {
        tenantId: db.tenantId,
        provider: input.provider,
        direction: input.direction,
        name: input.name,
        baseUrl,
        // Without an API there is nothing to reconcile against.
        syncSchedule: guide.hasApi ? input.syncSchedule : "MANUAL",
      },
      select: { id: true, name: true, provider: true, direction: true },
    });
    await storeSecret(scoped, {
      connectionId: connection.id,
      purpose: "WEBHOOK_SIGNING",
      label: guide.signingSecretLabel,
      plaintext: signingSecret,
    });
    if (credentials) {
      await storeSecret(scoped, {
        connectionId: connection.id,
        purpose: "API_CREDENTIAL",
        label: "API credentials",
        plaintext: credentials,
        hint: credentialHint(input.provider, JSON.parse(credentials)),
      });
    }
    return { connection, signingSecret };
  });
}

/** New API credentials replace the old ones, which are revoked in the same transaction. */
export async function replaceCredentials(
  db: TenantDb,
  connection: { id: string; provider: Provider },
  raw: Record<string, unknown>,
  policy?: UrlPolicy,
) {
  const credentials = parseConnectionCredentials(connection.provider, raw);
  if (!credentials) throw new InvalidSetupError("This platform has no API credentials");
  await checkCredentialUrls(credentials, policy);
  return db.$transaction(async (tx) => {
    const scoped = { ...db, secret: tx.secret } as TenantDb;
    await scoped.secret.updateMany({
      where: { connectionId: connection.id, purpose: "API_CREDENTIAL", revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return storeSecret(scoped, {
      connectionId: connection.id,
      purpose: "API_CREDENTIAL",
      label: "API credentials",
      plaintext: credentials,
      hint: credentialHint(connection.provider, JSON.parse(credentials)),
    });
  });
}

/**
 * Pointing a connection somewhere else. The stored API credentials were given for the old
 * address, and sending them to a new one is how they would be stolen, so they are revoked in the
 * same transaction; the caller re-enters them (the UI asks right away).
 */
export async function changeConnectionAddress(
  db: TenantDb,
  connection: { id: string; baseUrl: string },
  rawBaseUrl: string,
  policy?: UrlPolicy,
) {
  const baseUrl = await checkCallableUrl(rawBaseUrl, "baseUrl", policy);
  if (baseUrl === connection.baseUrl) return { baseUrl, changed: false, credentialsRevoked: 0 };
  return db.$transaction(async (tx) => {
    const scoped = { ...db, connection: tx.connection, secret: tx.secret } as TenantDb;
    await scoped.connection.update({ where: { id: connection.id }, data: { baseUrl } });
    const { count } = await scoped.secret.updateMany({
      where: { connectionId: connection.id, purpose: "API_CREDENTIAL", revokedAt: null },
      data: { revokedAt: new Date() },
    });
    return { baseUrl, changed: true, credentialsRevoked: count };
  });
}
