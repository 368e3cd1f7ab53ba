-- CreateTable
CREATE TABLE "PipelineProbe" (
    "id" TEXT NOT NULL,
    "failAttempts" INTEGER NOT NULL DEFAULT 0,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "requestedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "succeededAt" TIMESTAMP(3),

    CONSTRAINT "PipelineProbe_pkey" PRIMARY KEY ("id")
);
