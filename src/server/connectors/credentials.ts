import { z } from "zod";
import { type ConnectorProvider } from "./types";

/**
 * What a tenant pastes into the dashboard for each platform. The app stores these sealed and
 * hands connectors the plaintext; these schemas validate both the paste and the unsealed value.
 */
const token = z.string().trim().min(8, "looks too short to be a real key");

export const samCredentialsSchema = z.object({ apiKey: token });

export const shopifyCredentialsSchema = z.object({
  accessToken: token,
  /** Numeric id or gid; defaults to the shop's first active location. */
  locationId: z.string().trim().min(1).optional(),
});

export const wooCommerceCredentialsSchema = z.object({
  consumerKey: z.string().trim().startsWith("ck_", "WooCommerce consumer keys start with ck_"),
  consumerSecret: z.string().trim().startsWith("cs_", "WooCommerce consumer secrets start with cs_"),
  /** Some hosts strip the Authorization header; WooCommerce then accepts the keys as query params. */
  authMode: z.enum(["basic", "query"]).default("basic"),
});

export const bigCommerceCredentialsSchema = z.object({
  storeHash: z
    .string()
    .trim()
    .regex(/^[a-z0-9]+$/i, "the store hash is the code after /stores/ in the API path"),
  accessToken: token,
  locationId: z.number().int().positive().default(1),
});

const businessCentralTarget = z.object({
  tenantId: z.string().trim().min(1),
  environment: z.string().trim().min(1).default("production"),
  companyId: z.string().trim().min(1),
});

export const businessCentralCredentialsSchema = z.union([
  businessCentralTarget.extend({ accessToken: token }),
  businessCentralTarget.extend({
    clientId: z.string().trim().min(1),
    clientSecret: token,
    tokenUrl: z.url(),
    scope: z.string().default("https://api.businesscentral.dynamics.com/.default"),
  }),
]);

export const credentialsSchemas = {
  SAM: samCredentialsSchema,
  SHOPIFY: shopifyCredentialsSchema,
  WOOCOMMERCE: wooCommerceCredentialsSchema,
  BIGCOMMERCE: bigCommerceCredentialsSchema,
  BUSINESS_CENTRAL: businessCentralCredentialsSchema,
} as const satisfies Record<ConnectorProvider, z.ZodType>;

export type SamCredentials = z.output<typeof samCredentialsSchema>;
export type ShopifyCredentials = z.output<typeof shopifyCredentialsSchema>;
export type WooCommerceCredentials = z.output<typeof wooCommerceCredentialsSchema>;
export type BigCommerceCredentials = z.output<typeof bigCommerceCredentialsSchema>;
export type BusinessCentralCredentials = z.output<typeof businessCentralCredentialsSchema>;

export type CredentialsFor<P extends ConnectorProvider> = z.input<(typeof credentialsSchemas)[P]>;

export function parseCredentials<P extends ConnectorProvider>(
  provider: P,
  input: unknown,
): z.output<(typeof credentialsSchemas)[P]> {
  return credentialsSchemas[provider].parse(input) as z.output<(typeof credentialsSchemas)[P]>;
}
