import { env } from "@/env";
import type { PrismaClient } from "@/generated/prisma/client";
import { hashPassword } from "@/server/auth/password";
import { credentialHint } from "@/server/connections/connection-setup";
import { generateSigningSecret, storeSecret } from "@/server/crypto/secret-store";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { demoCatalogue } from "./demo-catalogue";
import { simulatorTargetsFile, writeSimulatorTargets } from "./simulator-targets";

/**
 * The demo gallery a fresh install starts with: a SAM source, a WooCommerce and a Shopify
 * channel (all pointing at the local platform simulators) and a few dozen items.
 */
export const DEMO_TENANT_SLUG = "demo";
export const DEMO_USER = { email: "demo@stockhook.dev", password: "stockhook-demo", name: "Dana Demo" };
/** Where the demo connections point: the simulators `npm run dev` starts. */
export const simulatorUrl = () => env().SIM_URL ?? `http://127.0.0.1:${env().SIM_PORT}`;

/** API credentials of the simulators' "demo" stores (see tools/sim/store.ts). */
const DEMO_API_CREDENTIALS = {
  SAM: { apiKey: "sam-sim-demo-token" },
  WOOCOMMERCE: { consumerKey: "ck_sim_demo", consumerSecret: "cs_sim_demo" },
  SHOPIFY: { accessToken: "shopify-sim-demo-token" },
} as const;

export async function seedDemoTenant(prisma: PrismaClient): Promise<{ created: boolean }> {
  if (await prisma.tenant.findUnique({ where: { slug: DEMO_TENANT_SLUG }, select: { id: true } }))
    return { created: false };
  const passwordHash = await hashPassword(DEMO_USER.password);
  const tenant = await prisma.$transaction(async (tx) => {
    const user = await tx.user.upsert({
      where: { email: DEMO_USER.email },
      update: { emailVerifiedAt: new Date() },
      // The demo address is ours: it is seeded verified, so the demo signs in at once.
      create: { email: DEMO_USER.email, name: DEMO_USER.name, passwordHash, emailVerifiedAt: new Date() },
    });
    const created = await tx.tenant.create({
      data: { slug: DEMO_TENANT_SLUG, name: "Harbour Gallery", kind: "GALLERY", safetyBuffer: 0 },
    });
    await tx.membership.create({ data: { tenantId: created.id, userId: user.id, role: "OWNER" } });
    return created;
  });

  const db = scopeToTenant(prisma, tenant.id);
  const [sam, woo, shopify] = await Promise.all([
    db.connection.create({
      data: {
        tenantId: tenant.id,
        provider: "SAM",
        direction: "SOURCE",
        name: "Gallery collection (SAM)",
        baseUrl: `${simulatorUrl()}/sam/demo`,
        syncSchedule: "H1",
      },
    }),
    db.connection.create({
      data: {
        tenantId: tenant.id,
        provider: "WOOCOMMERCE",
        direction: "CHANNEL",
        name: "Gallery shop (WooCommerce)",
        baseUrl: `${simulatorUrl()}/woocommerce/demo`,
        syncSchedule: "H6",
      },
    }),
    db.connection.create({
      data: {
        tenantId: tenant.id,
        provider: "SHOPIFY",
        direction: "CHANNEL",
        name: "Prints store (Shopify)",
        baseUrl: `${simulatorUrl()}/shopify/demo`,
        syncSchedule: "H6",
      },
    }),
  ]);
  const appUrl = env().APP_URL;
  const targets: Record<string, { url: string; secret: string }> = {};
  for (const connection of [sam, woo, shopify]) {
    const secret = generateSigningSecret();
    await storeSecret(db, {
      connectionId: connection.id,
      purpose: "WEBHOOK_SIGNING",
      label: "Webhook signing secret",
      plaintext: secret,
    });
    const credentials = DEMO_API_CREDENTIALS[connection.provider as keyof typeof DEMO_API_CREDENTIALS];
    await storeSecret(db, {
      connectionId: connection.id,
      purpose: "API_CREDENTIAL",
      label: "API credentials",
      plaintext: JSON.stringify(credentials),
      hint: credentialHint(connection.provider, credentials),
    });
    targets[connection.provider] = { url: `${appUrl}/api/webhooks/${DEMO_TENANT_SLUG}/${connection.id}`, secret };
  }
  writeSimulatorTargets(DEMO_TENANT_SLUG, targets, simulatorTargetsFile(env().DATA_DIR));

  for (const item of demoCatalogue()) {
    const row = await db.item.create({
      data: {
        tenantId: tenant.id,
        sku: item.sku,
        title: item.title,
        quantity: item.quantity,
        oneOfAKind: item.oneOfAKind,
      },
    });
    await db.itemLink.createMany({
      data: [
        { tenantId: tenant.id, itemId: row.id, connectionId: sam.id, externalId: item.samId },
        { tenantId: tenant.id, itemId: row.id, connectionId: woo.id, externalId: item.wooProductId },
        { tenantId: tenant.id, itemId: row.id, connectionId: shopify.id, externalId: item.shopifyInventoryItemId },
      ],
    });
  }
  return { created: true };
}
