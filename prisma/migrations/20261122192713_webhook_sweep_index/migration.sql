-- DropIndex
DROP INDEX "WebhookEvent_status_sentAt_idx";

-- CreateIndex
CREATE INDEX "WebhookEvent_status_receivedAt_idx" ON "WebhookEvent"("status", "receivedAt");
