-- The event search matches SKUs and ids partially and case-insensitively through trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- CreateIndex
CREATE INDEX "Item_sku_idx" ON "Item" USING GIN ("sku" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "ItemLink_externalId_idx" ON "ItemLink" USING GIN ("externalId" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "WebhookEvent_id_deliveryId_idx" ON "WebhookEvent" USING GIN ("id" gin_trgm_ops, "deliveryId" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "WebhookEvent_tenantId_itemId_receivedAt_idx" ON "WebhookEvent"("tenantId", "itemId", "receivedAt" DESC);

-- CreateIndex
CREATE INDEX "WebhookEvent_payload_idx" ON "WebhookEvent" USING GIN ("payload" jsonb_path_ops);
