import { z } from "zod";
import { createTRPCRouter, tenantAdminProcedure } from "@/server/api/trpc";
import { accessLog, auditFacets, listAudit } from "@/server/audit/audit-query";

const id = z.string().min(1).max(64);

/** A tenant's own audit trail and support access log: its OWNERs and ADMINs only. */
export const auditRouter = createTRPCRouter({
  list: tenantAdminProcedure
    .input(
      z.object({ cursor: id.optional(), action: z.string().max(100).optional(), actorId: id.optional() }).optional(),
    )
    .query(({ ctx, input }) => listAudit(ctx.db, input ?? {})),

  facets: tenantAdminProcedure.query(({ ctx }) => auditFacets(ctx.db)),

  accessLog: tenantAdminProcedure.query(({ ctx }) => accessLog(ctx.db)),
});
