-- CreateTable
CREATE TABLE "WebhookHandOver" (
    "webhookEventId" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "handOverId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WebhookHandOver_pkey" PRIMARY KEY ("webhookEventId")
);

-- CreateIndex
CREATE INDEX "WebhookHandOver_handOverId_idx" ON "WebhookHandOver"("handOverId");

-- CreateIndex
CREATE INDEX "WebhookHandOver_createdAt_idx" ON "WebhookHandOver"("createdAt");

-- AddForeignKey
ALTER TABLE "WebhookHandOver" ADD CONSTRAINT "WebhookHandOver_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookHandOver" ADD CONSTRAINT "WebhookHandOver_webhookEventId_fkey" FOREIGN KEY ("webhookEventId") REFERENCES "WebhookEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;
