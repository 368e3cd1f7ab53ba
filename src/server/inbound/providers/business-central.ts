import { z } from "zod";
import { constantTimeEqual } from "../signature";
import { parseJson, type WebhookProvider } from "./types";

/**
 * Business Central: subscribing sends `?validationToken=…`, which must be echoed as text/plain —
 * but only while Stockhook is making or renewing this connection's subscription (the window
 * `ensureSubscription` opens); at any other time the echo would let anyone make Stockhook's
 * domain answer a text of their choosing, so it is refused.
 * Notifications are not signed; each carries the `clientState` we chose when subscribing,
 * compared in constant time. They carry no stock: the function fetches the changed item.
 */
const notification = z.object({
  subscriptionId: z.string().min(1).max(200),
  clientState: z.string().max(500).optional(),
  expirationDateTime: z.string().max(40).optional(),
  resource: z.string().min(1).max(500),
  changeType: z.enum(["created", "updated", "deleted", "collection"]),
  lastModifiedDateTime: z.iso.datetime({ offset: true }),
});

const payload = z.object({ value: z.array(notification).min(1).max(1000) });

/** `…/companies(…)/items(5d115c9c-…)` → the item id. */
function itemIdOf(resource: string): string | undefined {
  return /items\(([0-9a-fA-F-]{36})\)/.exec(resource)?.[1]?.toLowerCase();
}

export const businessCentralProvider: WebhookProvider = {
  loggedHeaders: ["content-type", "user-agent"],
  contentTypes: ["application/json"],
  async preflight(delivery, { connection, prisma, now }) {
    const token = delivery.query.get("validationToken");
    if (token === null) return { kind: "continue" };
    const pending = await prisma.connection.count({
      where: { id: connection.id, provider: "BUSINESS_CENTRAL", subscriptionHandshakeUntil: { gt: now } },
    });
    if (!pending) {
      return {
        kind: "respond",
        status: 400,
        body: JSON.stringify({
          error: "No Business Central subscription is being made or renewed for this connection",
        }),
        contentType: "application/json",
        note: "Business Central handshake refused: no subscription is being made or renewed",
      };
    }
    return {
      kind: "respond",
      status: 200,
      body: token.slice(0, 1000),
      contentType: "text/plain",
      note: "Business Central subscription handshake",
    };
  },
  verify(delivery, secrets) {
    const parsed = parseJson(delivery, payload);
    if (!parsed.ok) return { verdict: "MISSING" };
    const states = parsed.value.value.map((n) => n.clientState);
    if (states.some((state) => !state)) return { verdict: "MISSING" };
    for (const secret of secrets) {
      const expected = Buffer.from(secret.value, "utf8");
      if (states.every((state) => constantTimeEqual(expected, Buffer.from(state!, "utf8"))))
        return { verdict: "VALID", matchedSecretId: secret.id };
    }
    return { verdict: "INVALID" };
  },
  parse(delivery) {
    const parsed = parseJson(delivery, payload);
    if (!parsed.ok) return parsed;
    const notifications = parsed.value.value.filter((n) => n.changeType !== "collection" && itemIdOf(n.resource));
    const collection = parsed.value.value.filter((n) => n.changeType === "collection");
    if (notifications.length === 0 && collection.length > 0) {
      // More than 1,000 changes in 30 s arrive as one notification without item ids: the apply step
      // starts an incremental reconcile of the connection instead (see collection-reconcile.ts).
      const latest = collection.reduce(
        (max, n) => (n.lastModifiedDateTime > max ? n.lastModifiedDateTime : max),
        collection[0]!.lastModifiedDateTime,
      );
      return {
        ok: true,
        delivery: {
          topic: "items/collection",
          externalIds: [],
          sourceAt: new Date(latest),
          changes: [],
          payload: { value: parsed.value.value.map(({ clientState: _secret, ...rest }) => rest) },
        },
      };
    }
    if (notifications.length === 0) return { ok: false, reason: "no item notifications in the payload" };
    const latest = notifications.reduce(
      (max, n) => (n.lastModifiedDateTime > max ? n.lastModifiedDateTime : max),
      notifications[0]!.lastModifiedDateTime,
    );
    return {
      ok: true,
      delivery: {
        topic: `items/${notifications[0]!.changeType}`,
        externalIds: [...new Set(notifications.map((n) => itemIdOf(n.resource)!))],
        sourceAt: new Date(latest),
        changes: notifications.map((n) => ({
          externalId: itemIdOf(n.resource)!,
          status: n.changeType === "deleted" ? ("ARCHIVED" as const) : undefined,
          reason: "notification" as const,
          sourceAt: new Date(n.lastModifiedDateTime),
        })),
        // Business Central retries with the same body; the dedup window catches that.
        payload: { value: parsed.value.value.map(({ clientState: _secret, ...rest }) => rest) },
      },
    };
  },
};
