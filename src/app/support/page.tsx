import type { Metadata } from "next";
import Link from "next/link";
import { ActiveSessions } from "@/app/_components/support/active-sessions";
import { ImpersonateButton } from "@/app/_components/support/impersonate-button";
import { PlatformRoles } from "@/app/_components/support/platform-roles";
import {
  Card,
  DataTable,
  EmptyState,
  inputClass,
  PageHeader,
  secondaryButtonClass,
  StatusBadge,
} from "@/app/_components/ui";
import { requireStaff } from "@/trpc/server";

export const metadata: Metadata = { title: "Workspaces" };

export default async function SupportConsolePage({
  searchParams,
}: {
  searchParams: Promise<{ q?: string; ended?: string }>;
}) {
  const { q, ended } = await searchParams;
  const search = typeof q === "string" ? q.slice(0, 100) : "";
  const { caller, user, impersonation } = await requireStaff();
  const isAdmin = user.platformRole === "ADMIN";
  const [tenants, sessions, staff] = await Promise.all([
    caller.support.tenants({ search }),
    caller.support.activeSessions(),
    isAdmin ? caller.support.staff() : Promise.resolve([]),
  ]);
  const busy = impersonation ? `End your session for ${impersonation.tenant.name} first` : undefined;

  return (
    <>
      <PageHeader
        title="Support console"
        description="Find a workspace, check its health, and open its dashboard read-only with a written reason. Every session is shown to the workspace in its access log."
      />
      {ended && !impersonation ? (
        <p role="status" className="mb-4 rounded-lg bg-slate-100 px-3 py-2 text-sm text-slate-700">
          Your support session has ended.
        </p>
      ) : null}
      {impersonation ? (
        <p role="status" className="mb-4 rounded-lg bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          You are viewing {impersonation.tenant.name} (“{impersonation.reason}”).{" "}
          <Link className="font-medium underline" href={`/t/${impersonation.tenant.slug}`}>
            Continue
          </Link>{" "}
          or end it below.
        </p>
      ) : null}
      <Card title="Running sessions" className="mb-6">
        <ActiveSessions
          sessions={sessions}
          currentSessionId={impersonation?.id ?? null}
          isAdmin={isAdmin}
          viewerId={user.id}
        />
      </Card>
      <form role="search" className="mb-4 flex max-w-xl gap-2">
        <label htmlFor="tenant-search" className="sr-only">
          Search workspaces
        </label>
        <input
          id="tenant-search"
          name="q"
          defaultValue={search}
          placeholder="Name, slug or a member's email"
          className={inputClass}
        />
        <button type="submit" className={secondaryButtonClass}>
          Search
        </button>
      </form>
      {tenants.length === 0 ? (
        <EmptyState title="No workspace matches">
          Try part of the name, the slug or a member&apos;s email address.
        </EmptyState>
      ) : (
        <DataTable columns={["Workspace", "Owners", "Connections", "Items", "Health (24 h)", ""]}>
          {tenants.map((tenant) => (
            <tr key={tenant.id} className="align-top" data-testid="tenant-row">
              <td className="px-4 py-3">
                <p className="font-medium text-slate-900">{tenant.name}</p>
                <p className="text-xs text-slate-500">
                  {tenant.slug} · {tenant.kind.toLowerCase()}
                </p>
              </td>
              <td className="px-4 py-3 text-slate-600">{tenant.owners.join(", ") || "—"}</td>
              <td className="px-4 py-3 text-slate-600">{tenant.connections}</td>
              <td className="px-4 py-3 text-slate-600">{tenant.items}</td>
              <td className="px-4 py-3">
                {tenant.healthy ? (
                  <StatusBadge status="HEALTHY" tone="green" />
                ) : (
                  <ul className="space-y-1 text-xs">
                    {tenant.failingConnections > 0 ? (
                      <li>
                        <StatusBadge status="FAILING" tone="red" /> {tenant.failingConnections} connection
                        {tenant.failingConnections === 1 ? "" : "s"} failing
                      </li>
                    ) : null}
                    {tenant.rejectedWebhooks24h > 0 ? (
                      <li>
                        <StatusBadge status="REJECTED" tone="red" /> {tenant.rejectedWebhooks24h} webhook
                        {tenant.rejectedWebhooks24h === 1 ? "" : "s"} rejected
                      </li>
                    ) : null}
                    {tenant.failedWebhooks24h > 0 ? (
                      <li>
                        <StatusBadge status="FAILED" tone="amber" /> {tenant.failedWebhooks24h} webhook
                        {tenant.failedWebhooks24h === 1 ? "" : "s"} failed
                      </li>
                    ) : null}
                  </ul>
                )}
              </td>
              <td className="px-4 py-3 text-right">
                <ImpersonateButton tenantId={tenant.id} tenantName={tenant.name} disabledReason={busy} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {isAdmin ? (
        <Card title="Staff and platform roles" className="mt-6">
          <PlatformRoles staff={staff} disabledReason={busy} />
        </Card>
      ) : null}
    </>
  );
}
