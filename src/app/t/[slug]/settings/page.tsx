import type { Metadata } from "next";
import { DeleteWorkspace } from "@/app/_components/settings/delete-workspace";
import { MembersPanel } from "@/app/_components/settings/members-panel";
import { NotificationsPanel } from "@/app/_components/settings/notifications-panel";
import { AccessLog } from "@/app/_components/support/access-log";
import { AuditTrail } from "@/app/_components/support/audit-trail";
import { TenantSettingsForm } from "@/app/_components/tenant-settings-form";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { caller, user } = await requireTenant(slug);
  const [tenant, members] = await Promise.all([caller.tenant.current(), caller.member.list()]);
  const canEdit = tenant.role === "OWNER" || tenant.role === "ADMIN";
  // Owners and admins read the trail; so does a support session, which reads as an owner.
  const canAudit = canEdit || tenant.impersonation !== null;
  const [accessLog, notifications] = await Promise.all([
    canAudit ? caller.audit.accessLog() : [],
    canEdit ? caller.notifications.settings() : null,
  ]);
  return (
    <>
      <PageHeader title="Settings" description="Your workspace, its stock rules and who can see it." />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Workspace and stock rules">
          <TenantSettingsForm tenant={tenant} canEdit={canEdit} />
        </Card>
        <Card title="Members">
          <MembersPanel
            members={members}
            canManage={canEdit}
            isOwner={tenant.role === "OWNER"}
            currentUserId={user.id}
          />
        </Card>
      </div>
      <Card title="Notifications" className="mt-6">
        {notifications ? (
          <NotificationsPanel initial={notifications} />
        ) : (
          <p className="text-sm text-slate-600">
            Owners and admins choose which alerts are sent by email and to Slack.
          </p>
        )}
      </Card>
      {canAudit ? (
        <>
          <Card title="Access log" className="mt-6">
            <p className="mb-2 text-sm text-slate-600">
              Every time Stockhook support opened this workspace: who, when, why, for how long, and what they did.
            </p>
            <AccessLog sessions={accessLog} />
          </Card>
          <Card title="Audit trail" className="mt-6">
            <AuditTrail scope="tenant" />
          </Card>
        </>
      ) : null}
      <Card title="Danger zone" className="mt-6 border-rose-200">
        <DeleteWorkspace slug={slug} isOwner={tenant.role === "OWNER"} />
      </Card>
    </>
  );
}
