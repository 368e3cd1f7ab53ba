-- CreateTable
CREATE TABLE "WebhookRateWindow" (
    "key" VARCHAR(255) NOT NULL,
    "points" INTEGER NOT NULL DEFAULT 0,
    "expire" BIGINT,

    CONSTRAINT "WebhookRateWindow_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "WebhookRateWindow_expire_idx" ON "WebhookRateWindow"("expire");
