-- CreateTable
CREATE TABLE "WebhookRejection" (
    "tenantId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "minute" TIMESTAMP(3) NOT NULL,
    "responseStatus" INTEGER NOT NULL,
    "signatureVerdict" "SignatureVerdict" NOT NULL,
    "fromKnownSource" BOOLEAN NOT NULL DEFAULT false,
    "count" INTEGER NOT NULL DEFAULT 0,
    "lastAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookRejection_pkey" PRIMARY KEY ("connectionId","minute","responseStatus","signatureVerdict","fromKnownSource")
);

-- CreateTable
CREATE TABLE "WebhookSourceAddress" (
    "tenantId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "lastValidAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "WebhookSourceAddress_pkey" PRIMARY KEY ("connectionId","address")
);

-- CreateIndex
CREATE INDEX "WebhookRejection_tenantId_minute_idx" ON "WebhookRejection"("tenantId", "minute");

-- CreateIndex
CREATE INDEX "WebhookSourceAddress_tenantId_idx" ON "WebhookSourceAddress"("tenantId");

-- AddForeignKey
ALTER TABLE "WebhookRejection" ADD CONSTRAINT "WebhookRejection_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookRejection" ADD CONSTRAINT "WebhookRejection_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookSourceAddress" ADD CONSTRAINT "WebhookSourceAddress_tenantId_fkey" FOREIGN KEY ("tenantId") REFERENCES "Tenant"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WebhookSourceAddress" ADD CONSTRAINT "WebhookSourceAddress_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Counts one request refused at the front door and, for the first `sample_per_minute` of its
-- kind in a minute, keeps it as a REJECTED WebhookEvent for the timeline, pruning unauthenticated
-- samples beyond `sample_keep` per connection. Authenticated rejections (a valid signature on a
-- malformed payload, verdict VALID) are always kept: only the platform can send them. One round
-- trip, and a flood of forgeries touches one counter row instead of adding a row each.
CREATE FUNCTION "record_webhook_rejection"(
  "event_id" TEXT,
  "tenant_id" TEXT,
  "connection_id" TEXT,
  "provider" "Provider",
  "response_status" INTEGER,
  "verdict" "SignatureVerdict",
  "matched_secret_id" TEXT,
  "from_known_source" BOOLEAN,
  "payload_hash" TEXT,
  "error" TEXT,
  "headers" JSONB,
  "received_at" TIMESTAMP(3),
  "sample_per_minute" INTEGER,
  "sample_keep" INTEGER
) RETURNS TABLE ("count" INTEGER, "sampled" BOOLEAN)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  seen INTEGER;
  keep_row BOOLEAN;
BEGIN
  INSERT INTO "WebhookRejection" AS r ("tenantId", "connectionId", "minute", "responseStatus", "signatureVerdict", "fromKnownSource", "count", "lastAt")
  VALUES (tenant_id, connection_id, date_trunc('minute', received_at), response_status, verdict, from_known_source, 1, received_at)
  ON CONFLICT ("connectionId", "minute", "responseStatus", "signatureVerdict", "fromKnownSource")
  DO UPDATE SET "count" = r."count" + 1, "lastAt" = GREATEST(r."lastAt", EXCLUDED."lastAt")
  RETURNING r."count" INTO seen;

  keep_row := verdict = 'VALID' OR seen <= sample_per_minute;
  IF keep_row THEN
    -- Samples of one connection are written and pruned one at a time, so concurrent refusals
    -- cannot each miss the others' rows and leave more than `sample_keep`.
    PERFORM pg_advisory_xact_lock(hashtext('rejection-samples:' || connection_id));
    INSERT INTO "WebhookEvent" (
      "id", "tenantId", "connectionId", "provider", "payloadHash", "signatureVerdict", "matchedSecretId", "responseStatus",
      "status", "error", "headers", "receivedAt", "completedAt"
    ) VALUES (
      event_id, tenant_id, connection_id, provider, payload_hash, verdict, matched_secret_id, response_status,
      'REJECTED', error, headers, received_at, received_at
    );
    IF verdict <> 'VALID' THEN
      DELETE FROM "WebhookEvent" WHERE "id" IN (
        SELECT e."id" FROM "WebhookEvent" e
        WHERE e."tenantId" = tenant_id AND e."connectionId" = connection_id
          AND e."status" = 'REJECTED' AND e."signatureVerdict" <> 'VALID'
        ORDER BY e."receivedAt" DESC, e."id" DESC
        OFFSET sample_keep
      );
    END IF;
  END IF;
  RETURN QUERY SELECT seen, keep_row;
END;
$$;

-- The same as before, plus `body_memory`: for providers whose signature covers no timestamp
-- (SAM, Shopify, WooCommerce) and whose delivery-id header is unsigned, the same signed body
-- within `body_memory` is a duplicate whatever delivery id it arrives under, so a captured
-- delivery cannot be replayed under a fresh id. NULL keeps the 5-second payload window only.
DROP FUNCTION "accept_webhook_delivery"(TEXT, TEXT, TEXT, "Provider", TEXT, TEXT, TEXT[], TEXT, TEXT, JSONB, TIMESTAMP(3), TIMESTAMP(3), JSONB, INTERVAL, INTERVAL);

CREATE FUNCTION "accept_webhook_delivery"(
  "event_id" TEXT,
  "tenant_id" TEXT,
  "connection_id" TEXT,
  "provider" "Provider",
  "topic" TEXT,
  "delivery_id" TEXT,
  "external_ids" TEXT[],
  "payload_hash" TEXT,
  "matched_secret_id" TEXT,
  "headers" JSONB,
  "source_at" TIMESTAMP(3),
  "received_at" TIMESTAMP(3),
  "payload" JSONB,
  "delivery_memory" INTERVAL,
  "payload_window" INTERVAL,
  "body_memory" INTERVAL
) RETURNS TABLE ("id" TEXT, "duplicate_of" TEXT)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  lock_key TEXT;
  original TEXT;
  hash_window INTERVAL := GREATEST(payload_window, COALESCE(body_memory, payload_window));
BEGIN
  FOR lock_key IN
    SELECT key FROM unnest(ARRAY['hash:' || connection_id || ':' || payload_hash, 'id:' || connection_id || ':' || delivery_id]) AS keys(key)
    WHERE key IS NOT NULL ORDER BY key COLLATE "C"
  LOOP
    PERFORM pg_advisory_xact_lock(hashtext(lock_key));
  END LOOP;

  SELECT e."id" INTO original FROM "WebhookEvent" e
  WHERE e."connectionId" = connection_id
    AND e."status" NOT IN ('REJECTED', 'DUPLICATE')
    AND ((delivery_id IS NOT NULL AND e."deliveryId" = delivery_id AND e."receivedAt" >= received_at - delivery_memory)
      OR (e."payloadHash" = payload_hash AND e."receivedAt" >= received_at - hash_window))
  ORDER BY e."receivedAt" ASC
  LIMIT 1;

  INSERT INTO "WebhookEvent" (
    "id", "tenantId", "connectionId", "provider", "topic", "deliveryId", "externalIds", "payloadHash",
    "signatureVerdict", "matchedSecretId", "headers", "sourceAt", "receivedAt",
    "status", "action", "queuedAt", "completedAt", "payload"
  ) VALUES (
    event_id, tenant_id, connection_id, provider, topic, delivery_id, external_ids, payload_hash,
    'VALID', matched_secret_id, headers, source_at, received_at,
    CASE WHEN original IS NULL THEN 'QUEUED' ELSE 'DUPLICATE' END::"WebhookStatus",
    CASE WHEN original IS NULL THEN NULL ELSE 'duplicate of ' || original END,
    CASE WHEN original IS NULL THEN received_at END,
    CASE WHEN original IS NULL THEN NULL ELSE received_at END,
    CASE WHEN original IS NULL THEN payload END
  );
  RETURN QUERY SELECT event_id, original;
END;
$$;
