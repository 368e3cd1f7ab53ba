-- AlterEnum
ALTER TYPE "SyncStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "SyncRun" ADD COLUMN     "cancelledById" TEXT,
ADD COLUMN     "nextAttemptAt" TIMESTAMP(3);

-- AddForeignKey
ALTER TABLE "SyncRun" ADD CONSTRAINT "SyncRun_cancelledById_fkey" FOREIGN KEY ("cancelledById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
