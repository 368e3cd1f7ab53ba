-- CreateEnum
CREATE TYPE "AttemptKind" AS ENUM ('PROCESSING', 'PUSH');

-- AlterTable
ALTER TABLE "ChannelPush" ADD COLUMN     "inngestRunId" TEXT,
ADD COLUMN     "lastAttemptAt" TIMESTAMP(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3),
ADD COLUMN     "runAttempt" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "verdict" "WebhookStatus";

-- CreateTable
CREATE TABLE "PipelineAttempt" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "kind" "AttemptKind" NOT NULL,
    "webhookEventId" TEXT,
    "channelPushId" TEXT,
    "connectionId" TEXT NOT NULL,
    "itemId" TEXT,
    "number" INTEGER NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "error" TEXT,
    "replay" BOOLEAN NOT NULL DEFAULT false,
    "inngestRunId" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PipelineAttempt_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PipelineAttempt_webhookEventId_startedAt_idx" ON "PipelineAttempt"("webhookEventId", "startedAt");

-- CreateIndex
CREATE INDEX "PipelineAttempt_channelPushId_startedAt_idx" ON "PipelineAttempt"("channelPushId", "startedAt");

-- CreateIndex
CREATE INDEX "PipelineAttempt_tenantId_itemId_startedAt_idx" ON "PipelineAttempt"("tenantId", "itemId", "startedAt");

-- CreateIndex
CREATE INDEX "PipelineAttempt_connectionId_kind_startedAt_idx" ON "PipelineAttempt"("connectionId", "kind", "startedAt");

-- AddForeignKey
ALTER TABLE "PipelineAttempt" ADD CONSTRAINT "PipelineAttempt_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineAttempt" ADD CONSTRAINT "PipelineAttempt_webhookEventId_fkey" FOREIGN KEY ("webhookEventId") REFERENCES "WebhookEvent"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PipelineAttempt" ADD CONSTRAINT "PipelineAttempt_channelPushId_fkey" FOREIGN KEY ("channelPushId") REFERENCES "ChannelPush"("id") ON DELETE CASCADE ON UPDATE CASCADE;
