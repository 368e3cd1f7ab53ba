import { z } from "zod";
import { createTRPCRouter, tenantAdminProcedure, tenantProcedure } from "@/server/api/trpc";
import { replaceCredentials } from "@/server/connections/connection-setup";
import { PROVIDER_GUIDES } from "@/server/connections/provider-guides";
import { rotateSigningSecret, secretMetadata } from "@/server/crypto/secret-store";
import { DomainError, findOrThrow } from "@/server/errors";

/**
 * Secrets as the dashboard sees them: metadata only (created, last used, key id, last four
 * characters). A plaintext leaves the server exactly once, in the answer to the rotation that made it.
 */
const connectionId = z.string().min(1);
const NOT_FOUND = "Connection not found";

function isActive(secret: { revokedAt: Date | null; expiresAt: Date | null }, now: Date) {
  return !secret.revokedAt && (!secret.expiresAt || secret.expiresAt > now);
}

export const secretRouter = createTRPCRouter({
  list: tenantProcedure.input(z.object({ connectionId })).query(({ ctx, input }) =>
    ctx.db.secret.findMany({
      where: { connectionId: input.connectionId },
      select: secretMetadata,
      orderBy: { createdAt: "desc" },
    }),
  ),

  /** A new signing secret; the old one keeps verifying for the grace period (0 = revoke it now). */
  rotate: tenantAdminProcedure
    .input(
      z.object({
        connectionId,
        graceHours: z.number().int().min(0).max(168).default(24),
        /** For platforms that own the secret (Shopify): the new one, pasted. */
        plaintext: z.string().trim().min(8, "That secret looks too short").max(500).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const connection = await findOrThrow(
        ctx.db.connection.findFirst({ where: { id: input.connectionId }, select: { id: true, provider: true } }),
        NOT_FOUND,
      );
      const guide = PROVIDER_GUIDES[connection.provider];
      if (guide.signing === "platform" && !input.plaintext)
        throw new DomainError("INVALID", `Paste the new ${guide.signingSecretLabel.toLowerCase()}`);
      const rotated = await rotateSigningSecret(ctx.db, connection.id, {
        graceHours: input.graceHours,
        plaintext: guide.signing === "platform" ? input.plaintext : undefined,
      });
      await ctx.audit({
        action: "secret.rotated",
        target: `connection:${connection.id}`,
        summary: {
          secretId: rotated.secret.id,
          last4: rotated.secret.last4,
          keyId: rotated.secret.keyId,
          previousValidUntil: rotated.previousValidUntil.toISOString(),
        },
      });
      // Platforms that were given the old secret (WooCommerce, BigCommerce, Business Central) get the new one.
      await ctx
        .sendEvent({
          name: "connection/subscription.ensure",
          data: { tenantId: ctx.tenant.id, connectionId: connection.id },
        })
        .catch(() => undefined);
      return {
        secret: rotated.secret,
        previousValidUntil: rotated.previousValidUntil,
        plaintext: guide.signing === "generated" ? rotated.plaintext : null,
      };
    }),

  revoke: tenantAdminProcedure.input(z.object({ id: z.string().min(1) })).mutation(async ({ ctx, input }) => {
    const now = new Date();
    const secret = await findOrThrow(
      ctx.db.secret.findFirst({
        where: { id: input.id },
        select: { id: true, connectionId: true, purpose: true, last4: true, revokedAt: true, expiresAt: true },
      }),
      "Secret not found",
    );
    if (secret.revokedAt) throw new DomainError("CONFLICT", "This secret is already revoked");
    if (secret.purpose === "WEBHOOK_SIGNING" && secret.connectionId) {
      const siblings = await ctx.db.secret.findMany({
        where: { connectionId: secret.connectionId, purpose: "WEBHOOK_SIGNING" },
        select: { id: true, revokedAt: true, expiresAt: true },
      });
      if (!siblings.some((other) => other.id !== secret.id && isActive(other, now))) {
        throw new DomainError("INVALID", "Rotate first: revoking the only signing secret would reject every webhook");
      }
    }
    await ctx.db.secret.updateMany({ where: { id: secret.id, revokedAt: null }, data: { revokedAt: now } });
    await ctx.audit({
      action: "secret.revoked",
      target: `secret:${secret.id}`,
      summary: { connectionId: secret.connectionId, purpose: secret.purpose, last4: secret.last4 },
    });
    return { revoked: true };
  }),

  replaceCredentials: tenantAdminProcedure
    .input(z.object({ connectionId, credentials: z.record(z.string(), z.union([z.string().max(2000), z.number()])) }))
    .mutation(async ({ ctx, input }) => {
      const connection = await findOrThrow(
        ctx.db.connection.findFirst({ where: { id: input.connectionId }, select: { id: true, provider: true } }),
        NOT_FOUND,
      );
      const secret = await replaceCredentials(ctx.db, connection, input.credentials);
      await ctx.audit({
        action: "secret.credentials_replaced",
        target: `connection:${connection.id}`,
        summary: { secretId: secret.id, last4: secret.last4 },
      });
      // New credentials may grant (or be for) what the old ones did not: check the subscriptions now.
      await ctx
        .sendEvent({
          name: "connection/subscription.ensure",
          data: { tenantId: ctx.tenant.id, connectionId: connection.id },
        })
        .catch(() => undefined);
      return { secret };
    }),
});
