-- AlterTable
ALTER TABLE "ItemLink" ADD COLUMN     "pushLease" TEXT,
ADD COLUMN     "pushLeaseUntil" TIMESTAMP(3);
