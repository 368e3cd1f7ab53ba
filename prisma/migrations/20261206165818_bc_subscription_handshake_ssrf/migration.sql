-- AlterTable
ALTER TABLE "Connection" ADD COLUMN     "subscriptionHandshakeUntil" TIMESTAMP(3);
