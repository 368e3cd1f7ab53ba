-- AlterTable
ALTER TABLE "AuditLog" ADD COLUMN     "impersonationSessionId" TEXT;

-- CreateTable
CREATE TABLE "ImpersonationSession" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "staffUserId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "endedAt" TIMESTAMP(3),
    "writeAccessGrantedById" TEXT,
    "writeAccessGrantedAt" TIMESTAMP(3),

    CONSTRAINT "ImpersonationSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ImpersonationSession_tenantId_startedAt_idx" ON "ImpersonationSession"("tenantId", "startedAt" DESC);

-- CreateIndex
CREATE INDEX "ImpersonationSession_staffUserId_endedAt_idx" ON "ImpersonationSession"("staffUserId", "endedAt");

-- CreateIndex
CREATE INDEX "AuditLog_impersonationSessionId_idx" ON "AuditLog"("impersonationSessionId");

-- AddForeignKey
ALTER TABLE "ImpersonationSession" ADD CONSTRAINT "ImpersonationSession_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImpersonationSession" ADD CONSTRAINT "ImpersonationSession_staffUserId_fkey" FOREIGN KEY ("staffUserId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ImpersonationSession" ADD CONSTRAINT "ImpersonationSession_writeAccessGrantedById_fkey" FOREIGN KEY ("writeAccessGrantedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
