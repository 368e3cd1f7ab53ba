-- CreateEnum
CREATE TYPE "PushState" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "circuitOpenUntil" TIMESTAMP(3),
ADD COLUMN     "consecutiveFailures" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ChannelPush" (
    "id" TEXT NOT NULL,
    "tenantId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "webhookEventId" TEXT,
    "syncRunId" TEXT,
    "quantity" INTEGER NOT NULL,
    "status" "ItemStatus" NOT NULL,
    "state" "PushState" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "pushedAt" TIMESTAMP(3),

    CONSTRAINT "ChannelPush_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ChannelPush_tenantId_createdAt_idx" ON "ChannelPush"("tenantId", "createdAt");

-- CreateIndex
CREATE INDEX "ChannelPush_webhookEventId_idx" ON "ChannelPush"("webhookEventId");

-- CreateIndex
CREATE INDEX "ChannelPush_connectionId_state_idx" ON "ChannelPush"("connectionId", "state");

-- AddForeignKey
ALTER TABLE "ChannelPush" ADD CONSTRAINT "ChannelPush_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ChannelPush" ADD CONSTRAINT "ChannelPush_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;
