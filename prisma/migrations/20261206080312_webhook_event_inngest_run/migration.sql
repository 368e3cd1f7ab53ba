-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "inngestRunId" TEXT;
