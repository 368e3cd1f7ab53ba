import { describe, expect } from "vitest";
import { it } from "@test-support/db-fixture";
import { createTenantFixture } from "@test-support/fixtures";
import type { Alert } from "@/server/insights/alerts";
import { scopeToTenant } from "@/server/tenancy/tenant-db";
import { diffIncidents, recordOutcomes, RESOLVE_HOLD_DOWN_MS, type DueNotification } from "./incidents";

const MINUTE = 60_000;
const failing = (connectionId: string, title = "Shop is failing: updates are queued until it recovers"): Alert => ({
  kind: "channel-failing",
  severity: "critical",
  connectionId,
  title,
  action: "Check the storefront.",
});
const at = (minutes: number) => new Date(Date.UTC(2026, 0, 1, 12, 0) + minutes * MINUTE);

/** One evaluation as the notify run does it: diff, then record every due message as delivered. */
async function evaluate(db: ReturnType<typeof scopeToTenant>, alerts: Alert[], now: Date, delivered = true) {
  const due = await diffIncidents(db, alerts, now);
  await recordOutcomes(
    db,
    due.map((d) => ({ incidentId: d.incidentId, transition: d.transition, delivered })),
    now,
  );
  return due.map((d: DueNotification) => d.transition);
}

describe("incident diff", () => {
  it("opens once, stays quiet while the alert lasts, resolves once after the hold-down", async ({ prisma }) => {
    const db = scopeToTenant(prisma, (await createTenantFixture(prisma, "steady")).tenant.id);
    const alert = failing("conn-steady");
    expect(await evaluate(db, [alert], at(0))).toEqual(["opened"]);
    expect(await evaluate(db, [alert], at(1))).toEqual([]);
    // The wording may change while it lasts (counts); it is still the same incident.
    expect(await evaluate(db, [failing("conn-steady", "Shop is failing: 3 items have not reached it")], at(2))).toEqual(
      [],
    );
    expect(await evaluate(db, [], at(3))).toEqual([]);
    expect(await evaluate(db, [], at(3 + RESOLVE_HOLD_DOWN_MS / MINUTE - 1))).toEqual([]);
    expect(await evaluate(db, [], at(3 + RESOLVE_HOLD_DOWN_MS / MINUTE))).toEqual(["resolved"]);
    expect(await evaluate(db, [], at(30))).toEqual([]);
    const [incident] = await db.alertIncident.findMany({ where: { key: "channel-failing:conn-steady" } });
    expect(incident).toMatchObject({
      title: "Shop is failing: updates are queued until it recovers",
      path: "/connections/conn-steady",
      openedAt: at(0),
      resolvedAt: at(3),
      notifiedAt: at(0),
      announced: true,
      resolvedNotifiedAt: at(3 + RESOLVE_HOLD_DOWN_MS / MINUTE),
      liveKey: null,
    });
  });

  it("a flapping alert within the hold-down window sends nothing more; after it, a new incident opens", async ({
    prisma,
  }) => {
    const db = scopeToTenant(prisma, (await createTenantFixture(prisma, "flap")).tenant.id);
    const alert = failing("conn-flap");
    const sent: string[] = [];
    for (let minute = 0; minute < 20; minute += 1)
      sent.push(...(await evaluate(db, minute % 2 === 0 ? [alert] : [], at(100 + minute))));
    expect(sent).toEqual(["opened"]);
    sent.push(...(await evaluate(db, [], at(119 + RESOLVE_HOLD_DOWN_MS / MINUTE))));
    expect(sent).toEqual(["opened", "resolved"]);
    expect(await evaluate(db, [alert], at(200))).toEqual(["opened"]);
    expect(await db.alertIncident.count({ where: { key: "channel-failing:conn-flap" } })).toBe(2);
    expect(await db.alertIncident.count({ where: { key: "channel-failing:conn-flap", liveKey: { not: null } } })).toBe(
      1,
    );
  });

  it("an incident announced nowhere closes without a resolved message", async ({ prisma }) => {
    const db = scopeToTenant(prisma, (await createTenantFixture(prisma, "muted")).tenant.id);
    expect(await evaluate(db, [failing("conn-muted")], at(300), false)).toEqual(["opened"]);
    expect(await evaluate(db, [], at(301))).toEqual([]);
    expect(await evaluate(db, [], at(301 + RESOLVE_HOLD_DOWN_MS / MINUTE))).toEqual([]);
    expect(await db.alertIncident.findFirst({ where: { key: "channel-failing:conn-muted" } })).toMatchObject({
      announced: false,
      liveKey: null,
    });
  });

  it("keys by kind and subject, per tenant, and ignores kinds that never notify", async ({
    prisma,
    tenantA,
    tenantB,
  }) => {
    const a = scopeToTenant(prisma, tenantA.tenant.id);
    const b = scopeToTenant(prisma, tenantB.tenant.id);
    const alerts: Alert[] = [
      failing("conn-shared"),
      { ...failing("conn-shared"), kind: "reconcile-failing", severity: "warning" },
      { ...failing("conn-shared"), kind: "never-synced", severity: "warning" },
    ];
    expect(await evaluate(a, alerts, at(400))).toEqual(["opened", "opened"]);
    expect(await evaluate(b, alerts, at(400))).toEqual(["opened", "opened"]);
    expect(
      (await a.alertIncident.findMany({ where: { key: { endsWith: ":conn-shared" } }, orderBy: { key: "asc" } })).map(
        (i) => i.key,
      ),
    ).toEqual(["channel-failing:conn-shared", "reconcile-failing:conn-shared"]);
    expect(await evaluate(a, [], at(401))).toEqual([]);
    // Tenant B's incidents are untouched by tenant A's evaluation.
    expect(await b.alertIncident.count({ where: { key: { endsWith: ":conn-shared" }, resolvedAt: null } })).toBe(2);
  });
});
