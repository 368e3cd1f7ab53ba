import type { Metadata } from "next";
import { TenantSettingsForm } from "@/app/_components/tenant-settings-form";
import { Card, PageHeader, StatusBadge } from "@/app/_components/ui";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  const { caller } = await requireTenant(slug);
  const [tenant, members] = await Promise.all([caller.tenant.current(), caller.member.list()]);
  const canEdit = tenant.role === "OWNER" || tenant.role === "ADMIN";
  return (
    <>
      <PageHeader title="Settings" description="Your workspace, its stock rules and who can see it." />
      <div className="grid gap-6 xl:grid-cols-2">
        <Card title="Workspace">
          <TenantSettingsForm tenant={tenant} canEdit={canEdit} />
        </Card>
        <Card title="Members">
          <ul className="divide-y divide-slate-100">
            {members.map((member) => (
              <li key={member.id} className="flex items-center justify-between gap-3 py-3 text-sm">
                <div>
                  <p className="font-medium text-slate-900">{member.user?.name ?? member.invitedEmail}</p>
                  <p className="text-slate-500">{member.user?.email ?? "invitation pending"}</p>
                </div>
                <div className="flex items-center gap-2">
                  <span className="text-slate-700 capitalize">{member.role.toLowerCase()}</span>
                  {member.status === "PENDING" ? <StatusBadge status="PENDING" /> : null}
                </div>
              </li>
            ))}
          </ul>
        </Card>
      </div>
    </>
  );
}
