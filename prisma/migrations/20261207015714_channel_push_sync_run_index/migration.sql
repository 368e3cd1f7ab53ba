-- CreateIndex
CREATE INDEX "ChannelPush_syncRunId_idx" ON "ChannelPush"("syncRunId");
