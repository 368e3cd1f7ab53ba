/**
 * Set on the answer to a delivery the app stored and queued — not on a duplicate, a rejection or a
 * platform's handshake — so a balancer in front of the instances can count each tenant's real
 * deliveries, as the app's own batching threshold does, and call a tenant busy only for those
 * (scripts/lib/haproxy.ts, docs/operations.md#a-quiet-tenant-at-the-door). A stranger's forged
 * requests are refused and never counted. The production balancer removes it before the answer
 * leaves; without one it reaches the platform as a harmless extra header.
 */
export const STORED_DELIVERY_HEADER = "x-stockhook-stored";
