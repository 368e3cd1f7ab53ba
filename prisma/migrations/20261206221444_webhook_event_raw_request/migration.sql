-- AlterTable
ALTER TABLE "WebhookEvent" ADD COLUMN     "rawBody" BYTEA,
ADD COLUMN     "requestHeaders" JSONB;

-- The same as before, plus the accepted delivery's request headers and its body bytes as sent,
-- stored in the same single insert (kept only for a delivery that is not a duplicate, like `payload`).
DROP FUNCTION "accept_webhook_delivery"(TEXT, TEXT, TEXT, "Provider", TEXT, TEXT, TEXT[], TEXT, TEXT, JSONB, TIMESTAMP(3), TIMESTAMP(3), JSONB, INTERVAL, INTERVAL, INTERVAL);

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
  "body_memory" INTERVAL,
  "request_headers" JSONB,
  "raw_body" BYTEA
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
    "status", "action", "queuedAt", "completedAt", "payload", "requestHeaders", "rawBody"
  ) VALUES (
    event_id, tenant_id, connection_id, provider, topic, delivery_id, external_ids, payload_hash,
    'VALID', matched_secret_id, headers, source_at, received_at,
    CASE WHEN original IS NULL THEN 'QUEUED' ELSE 'DUPLICATE' END::"WebhookStatus",
    CASE WHEN original IS NULL THEN NULL ELSE 'duplicate of ' || original END,
    CASE WHEN original IS NULL THEN received_at END,
    CASE WHEN original IS NULL THEN NULL ELSE received_at END,
    CASE WHEN original IS NULL THEN payload END,
    CASE WHEN original IS NULL THEN request_headers END,
    CASE WHEN original IS NULL THEN raw_body END
  );
  RETURN QUERY SELECT event_id, original;
END;
$$;
