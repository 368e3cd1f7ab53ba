-- CreateIndex
CREATE INDEX "WebhookEvent_tenantId_deliveryId_idx" ON "WebhookEvent"("tenantId", "deliveryId");
