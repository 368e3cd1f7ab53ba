-- CreateEnum
CREATE TYPE "PlatformSubscriptionState" AS ENUM ('ACTIVE', 'FAILED');

-- DropIndex
DROP INDEX "PlatformSubscription_connectionId_key";

-- AlterTable
ALTER TABLE "ItemLink" ADD COLUMN     "channelQuantity" INTEGER;

-- AlterTable
ALTER TABLE "PlatformSubscription" ADD COLUMN     "lastCheckedAt" TIMESTAMP(3),
ADD COLUMN     "state" "PlatformSubscriptionState" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "topic" TEXT NOT NULL DEFAULT 'items',
ALTER COLUMN "etag" DROP NOT NULL,
ALTER COLUMN "expiresAt" DROP NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "PlatformSubscription_connectionId_topic_key" ON "PlatformSubscription"("connectionId", "topic");
