import { describe, expect, it } from "vitest";
import type { ConnectionHealth } from "@/server/connections/connection-health";
import {
  alertsFor,
  failedSubscriptionAlerts,
  failingReconcileAlerts,
  MISMATCH_ALERT_STREAK,
  mostUrgentFirst,
  switchedOffEndpointAlerts,
} from "@/server/insights/alerts";

const healthy: ConnectionHealth = {
  lastSuccessfulSyncAt: new Date(),
  failedEvents24h: 0,
  rejectedEvents24h: 0,
  failedPushes24h: 0,
  failedPushAttempts24h: 0,
  retryingPushes: 0,
  signatureMismatchStreak: 0,
  circuit: "closed",
  syncRunning: false,
};
const shop = { id: "c1", name: "Shop", lastSyncAt: new Date(), provider: "SHOPIFY" };

describe("alertsFor", () => {
  it("says nothing about a healthy, synced connection", () => {
    expect(alertsFor(shop, healthy)).toEqual([]);
  });

  it("calls a run of signature failures a wrong secret only from the streak threshold", () => {
    expect(alertsFor(shop, { ...healthy, signatureMismatchStreak: MISMATCH_ALERT_STREAK - 1 })).toEqual([]);
    const [alert] = alertsFor(shop, { ...healthy, signatureMismatchStreak: MISMATCH_ALERT_STREAK });
    expect(alert).toMatchObject({
      severity: "critical",
      connectionId: "c1",
      title: "Shop: the last 3 webhooks from the platform failed their signature check",
    });
  });

  it("names the undelivered items, and says whether Stockhook is still retrying", () => {
    const undelivered = { connectionId: "c1", skus: ["A", "B"], count: 5 };
    const [retrying] = alertsFor(shop, { ...healthy, retryingPushes: 1, circuit: "open" }, undelivered);
    expect(retrying).toMatchObject({
      severity: "critical",
      title: "Shop is failing: 5 items have not reached it yet (A, B and 3 more)",
      link: { path: "/events?channel=c1" },
    });
    expect(retrying!.action).toMatch(/keeps retrying/);
    const [spent] = alertsFor(shop, healthy, { connectionId: "c1", skus: ["A"], count: 1 });
    expect(spent!.title).toBe("Shop is failing: 1 item has not reached it yet (A)");
    expect(spent!.action).toMatch(/retries are used up/);
  });

  it("reports an open circuit, else failed pushes, when no item is known to be undelivered", () => {
    expect(alertsFor(shop, { ...healthy, circuit: "open", failedPushes24h: 2 })).toMatchObject([
      { severity: "critical", title: "Shop is failing: updates are queued until it recovers" },
    ]);
    expect(alertsFor(shop, { ...healthy, failedPushes24h: 2 })).toMatchObject([
      { severity: "warning", title: "Shop: 2 storefront update(s) failed in 24 h" },
    ]);
  });

  it("asks for a first sync, except for webhook-only platforms and while one runs", () => {
    const never = { ...shop, lastSyncAt: null };
    expect(alertsFor(never, healthy)).toMatchObject([{ severity: "warning", title: "Shop has never been synced" }]);
    expect(alertsFor(never, { ...healthy, syncRunning: true })).toEqual([]);
    expect(alertsFor({ ...never, provider: "STANDARD_WEBHOOKS" }, healthy)).toEqual([]);
  });
});

describe("tenant-wide alerts", () => {
  it("one alert per switched-off endpoint, linking to the Webhooks page", () => {
    expect(
      switchedOffEndpointAlerts([{ id: "e1", url: "https://example.com/hook", disabledReason: "Failed for 5 days" }]),
    ).toEqual([
      {
        kind: "endpoint-switched-off",
        severity: "critical",
        connectionId: "e1",
        title: "Webhook endpoint https://example.com/hook was switched off",
        action: "Failed for 5 days. Fix the receiver, then enable the endpoint again.",
        link: { path: "/webhooks", label: "Open webhooks" },
      },
    ]);
  });

  it("groups failed subscriptions by connection", () => {
    const alerts = failedSubscriptionAlerts(
      [
        { connectionId: "c1", topic: "orders/create", lastError: "HTTP 403" },
        { connectionId: "c1", topic: "products/update", lastError: null },
        { connectionId: "gone", topic: "inventory", lastError: null },
      ],
      [{ id: "c1", name: "Shop" }],
    );
    expect(alerts.map((a) => a.title)).toEqual([
      "Shop may not be sending webhooks: Stockhook could not keep its orders/create, products/update subscriptions",
      "A connection may not be sending webhooks: Stockhook could not keep its inventory subscription",
    ]);
    expect(alerts[0]!.action).toBe("HTTP 403 Until then only the scheduled reconcile picks up its changes.");
    expect(alerts[1]!.action).toBe(
      "The platform refused. Until then only the scheduled reconcile picks up its changes.",
    );
  });

  it("puts critical alerts first and keeps the order within a severity", () => {
    const alert = (severity: "critical" | "warning", connectionId: string) => ({
      kind: "channel-failing" as const,
      severity,
      connectionId,
      title: "",
      action: "",
    });
    expect(
      mostUrgentFirst([
        alert("warning", "w1"),
        alert("critical", "c1"),
        alert("warning", "w2"),
        alert("critical", "c2"),
      ]).map((a) => a.connectionId),
    ).toEqual(["c1", "c2", "w1", "w2"]);
  });

  it("says events failed at a source, with a link to them, unless the storefront alert already says so", () => {
    const [alert] = alertsFor(shop, { ...healthy, failedEvents24h: 2 });
    expect(alert).toMatchObject({
      kind: "events-failed",
      severity: "warning",
      title: "Shop: 2 webhook events failed in 24 h",
      link: { path: "/events?connection=c1&status=FAILED" },
    });
    expect(alertsFor(shop, { ...healthy, failedEvents24h: 2, failedPushes24h: 1 }).map((a) => a.title)).toEqual([
      "Shop: 1 storefront update(s) failed in 24 h",
    ]);
  });

  it("raises reconcile-failing for connections whose latest finished reconcile failed", () => {
    const alerts = failingReconcileAlerts(
      [
        { connectionId: "c1", status: "FAILED" },
        { connectionId: "c2", status: "SUCCEEDED" },
      ],
      [
        { id: "c1", name: "Gallery SAM" },
        { id: "c2", name: "Shop" },
      ],
    );
    expect(alerts).toEqual([
      expect.objectContaining({
        kind: "reconcile-failing",
        connectionId: "c1",
        title: "Gallery SAM: the last reconcile failed",
        link: { path: "/sync-runs", label: "Open sync runs" },
      }),
    ]);
  });

  it("gives every alert a kind, so notifications can key incidents by kind and subject", () => {
    const kinds = [
      ...alertsFor({ ...shop, lastSyncAt: null }, { ...healthy, signatureMismatchStreak: 5, circuit: "open" }),
      ...switchedOffEndpointAlerts([{ id: "e1", url: "https://x.test", disabledReason: "HTTP 500" }]),
      ...failedSubscriptionAlerts([{ connectionId: "c1", topic: "t", lastError: null }], [shop]),
    ].map((a) => a.kind);
    expect(kinds).toEqual([
      "signature-mismatch",
      "channel-failing",
      "never-synced",
      "endpoint-switched-off",
      "subscription-lost",
    ]);
  });
});
