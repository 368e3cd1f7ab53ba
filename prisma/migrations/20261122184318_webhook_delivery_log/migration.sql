-- AlterEnum
ALTER TYPE "SignatureVerdict" ADD VALUE 'NOT_CHECKED';

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "responseStatus" INTEGER NOT NULL DEFAULT 200,
ADD COLUMN     "sentAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "WebhookEvent_status_sentAt_idx" ON "WebhookEvent"("status", "sentAt");
