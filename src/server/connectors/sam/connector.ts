import "server-only";
import { type ConnectorHttpOptions, HttpClient } from "../http";
import { type SamCredentials } from "../credentials";
import { ValidationError } from "../errors";
import { probeConnection, PROBE_POLICY } from "../test-connection";
import { type ListStockOptions, type SourceConnector, type WebhookMeta } from "../types";
import {
  SAM_API_PREFIX,
  SAM_STOCK_TOPIC,
  samPageSchema,
  samProductSchema,
  samProductToItem,
  samWebhookSchema,
  samWebhookToEvents,
} from "./mapping";

/** SAM is a source only: the gallery's collection system is where a sale truly happens. */
export const SAM_PAGE_SIZE = 200;

export function createSamConnector(
  baseUrl: string,
  credentials: SamCredentials,
  http: ConnectorHttpOptions = {},
): SourceConnector {
  const client = new HttpClient({
    ...http,
    baseUrl: baseUrl.replace(/\/+$/, "") + SAM_API_PREFIX,
    auth: { headers: () => ({ authorization: `Bearer ${credentials.apiKey}` }) },
  });

  return {
    provider: "SAM",

    async listStock({ cursor, updatedSince }: ListStockOptions = {}) {
      const { data } = await client.request({
        method: "GET",
        path: "/products",
        query: { cursor, limit: SAM_PAGE_SIZE, updated_since: updatedSince?.toISOString() },
        schema: samPageSchema,
      });
      return { items: data.data.map(samProductToItem), nextCursor: data.next_cursor };
    },

    async getItem(externalId) {
      const { data } = await client.request({
        method: "GET",
        path: `/products/${encodeURIComponent(externalId)}`,
        schema: samProductSchema,
      });
      return samProductToItem(data);
    },

    async normalizeWebhook(topic: string, payload: unknown, _meta?: WebhookMeta) {
      const parsed = samWebhookSchema.safeParse(payload);
      if (!parsed.success)
        throw new ValidationError(`SAM webhook "${topic}" has an unexpected shape`, parsed.error.issues);
      return parsed.data.type === SAM_STOCK_TOPIC ? samWebhookToEvents(parsed.data) : [];
    },

    testConnection: () =>
      probeConnection(async () => {
        await client.request({
          method: "GET",
          path: "/products",
          query: { limit: 1 },
          schema: samPageSchema,
          policy: PROBE_POLICY,
        });
        return "Connected to SAM: the API key can read the collection.";
      }),
  };
}
