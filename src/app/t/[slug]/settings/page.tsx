import type { Metadata } from "next";
import { DeleteWorkspace } from "@/app/_components/settings/delete-workspace";
import { MembersPanel } from "@/app/_components/settings/members-panel";
import { TenantSettingsForm } from "@/app/_components/tenant-settings-form";
import { Card, PageHeader } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { caller, user } = await requireTenant(slug);
  const [tenant, members] = await Promise.all([caller.tenant.current(), caller.member.list()]);
  const canEdit = tenant.role === "OWNER" || tenant.role === "ADMIN";
  return (
    <>
      <PageHeader title="Settings" description="Your workspace, its stock rules and who can see it." />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Workspace and stock rules">
          <TenantSettingsForm tenant={tenant} canEdit={canEdit} />
        </Card>
        <Card title="Members">
          <MembersPanel members={members} canManage={canEdit} isOwner={tenant.role === "OWNER"} currentUserId={user.id} />
        </Card>
      </div>
      <Card title="Danger zone" className="mt-6 border-rose-200">
        <DeleteWorkspace slug={slug} isOwner={tenant.role === "OWNER"} />
      </Card>
    </>
  );
}
