-- CreateEnum
CREATE TYPE "SyncMode" AS ENUM ('FULL', 'INCREMENTAL');

-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "lastFullSyncAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "ItemLink" ADD COLUMN     "lastSeenSyncRunId" TEXT;

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "itemsVanished" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "mode" "SyncMode" NOT NULL DEFAULT 'FULL';
