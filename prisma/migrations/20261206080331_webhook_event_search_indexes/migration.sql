-- CreateIndex
CREATE INDEX "WebhookEvent_tenantId_connectionId_receivedAt_idx" ON "WebhookEvent"("tenantId", "connectionId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "WebhookEvent_externalIds_idx" ON "WebhookEvent" USING GIN ("externalIds");
