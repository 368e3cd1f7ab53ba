import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import {
  ChangeAddressForm,
  ConnectionSettingsForm,
  DeleteConnection,
  ReplaceCredentialsForm,
} from "@/app/_components/connections/connection-settings";
import { ResyncControl } from "@/app/_components/connections/resync-control";
import { SecretsPanel } from "@/app/_components/connections/secrets-panel";
import { SubscriptionsPanel } from "@/app/_components/connections/subscriptions-panel";
import { TestConnectionButton } from "@/app/_components/connections/test-connection-button";
import { CopyField } from "@/app/_components/copy-button";
import { SyncRunHistory } from "@/app/_components/sync-runs/sync-run-history";
import { formatRelative } from "@/app/_components/format";
import { PROVIDER_LABELS } from "@/app/_components/labels";
import { Card, PageHeader, ReadOnlyNotice, Stat, StatusBadge } from "@/app/_components/ui";
import { PROVIDER_GUIDES } from "@/shared/provider-guides";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Connection" };

export default async function ConnectionPage({ params }: { params: Promise<{ slug: string; connectionId: string }> }) {
  const { slug, connectionId } = await params;
  const { caller, tenant } = await requireTenant(slug);
  const connection = await caller.connection.byId({ id: connectionId }).catch((error: unknown) => {
    if (error instanceof TRPCError && error.code === "NOT_FOUND") notFound();
    throw error;
  });
  const guide = PROVIDER_GUIDES[connection.provider];
  const canEdit = tenant.role !== "VIEWER";
  const isAdmin = tenant.role === "OWNER" || tenant.role === "ADMIN";
  return (
    <>
      <PageHeader
        title={connection.name}
        description={`${PROVIDER_LABELS[connection.provider]} · ${connection.direction === "SOURCE" ? "source" : "channel"} · ${connection._count.itemLinks} linked items`}
        actions={
          <Link href={`/t/${slug}/connections`} className="text-sm font-medium text-slate-600 hover:text-slate-900">
            All connections
          </Link>
        }
      />
      {!canEdit ? (
        <div className="mb-4">
          <ReadOnlyNotice>You have view-only access: nothing here can be changed from your account.</ReadOnlyNotice>
        </div>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
        <Stat
          label="Status"
          value={<StatusBadge status={connection.status} />}
          hint={connection.webhooksEnabled ? "webhooks on" : "webhooks off"}
        />
        <Stat label="Last webhook" value={formatRelative(connection.lastWebhookAt)} />
        <Stat label="Last good sync" value={formatRelative(connection.health.lastSuccessfulSyncAt)} />
        <Stat
          label="Failures, 24 h"
          value={connection.health.failedEvents24h + connection.health.failedPushes24h}
          hint={`${connection.health.rejectedEvents24h} rejected webhooks · circuit ${connection.health.circuit}`}
        />
      </dl>
      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        {connection.hasApi ? (
          <Card title="Reconcile">
            <div className="flex flex-wrap items-start justify-between gap-6">
              <ResyncControl
                slug={slug}
                connectionId={connection.id}
                canResync={canEdit}
                isChannel={connection.direction === "CHANNEL"}
              />
              <TestConnectionButton connectionId={connection.id} disabled={!canEdit} />
            </div>
          </Card>
        ) : null}
        <Card title="Webhook">
          <div className="space-y-3">
            <CopyField label="Webhook URL" value={connection.webhookUrl} />
            <ol className="list-decimal space-y-1 pl-5 text-sm text-slate-700">
              {guide.webhookSteps.map((line) => (
                <li key={line}>
                  {line
                    .replaceAll("{url}", "the URL above")
                    .replaceAll("{secret}", `the ${guide.signingSecretLabel.toLowerCase()}`)}
                </li>
              ))}
            </ol>
            {connection.hasApi && connection.direction === "SOURCE" ? (
              <>
                <h3 className="pt-2 text-sm font-semibold text-slate-900">Subscriptions at the platform</h3>
                <SubscriptionsPanel connectionId={connection.id} canCheck={isAdmin} />
              </>
            ) : null}
          </div>
        </Card>
      </div>
      <Card title="Secrets" className="mt-6">
        {!isAdmin ? (
          <div className="mb-3">
            <ReadOnlyNotice>Only owners and admins can rotate or revoke secrets.</ReadOnlyNotice>
          </div>
        ) : null}
        <SecretsPanel
          connectionId={connection.id}
          secrets={connection.secrets}
          canManage={isAdmin}
          platformOwned={guide.signing === "platform"}
          signingLabel={guide.signingSecretLabel}
        />
      </Card>
      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Card title="Settings">
          <ConnectionSettingsForm connection={connection} canEdit={canEdit} />
        </Card>
        <Card title="Address">
          {!isAdmin ? (
            <div className="mb-3">
              <ReadOnlyNotice>Only owners and admins can change where a connection points.</ReadOnlyNotice>
            </div>
          ) : null}
          <ChangeAddressForm connection={connection} canManage={isAdmin} />
        </Card>
        <Card title="API credentials">
          <ReplaceCredentialsForm connectionId={connection.id} provider={connection.provider} canManage={isAdmin} />
        </Card>
      </div>
      <Card title="Recent sync runs" className="mt-6">
        <SyncRunHistory slug={slug} connections={[]} onlyConnection={connection.id} />
      </Card>
      <Card title="Danger zone" className="mt-6 border-rose-200">
        <DeleteConnection connection={connection} slug={slug} canDelete={isAdmin} />
      </Card>
    </>
  );
}
