"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FormError } from "@/app/_components/field";
import { formatDateTime } from "@/app/_components/format";
import { buttonClass, ConfirmButton, inputClass, StatusBadge } from "@/app/_components/ui";
import type { MembershipRole as Role } from "@/generated/prisma/enums";
import { useTRPC } from "@/trpc/react";
import type { RouterOutputs } from "@/trpc/types";

const ROLES: { value: Role; label: string; help: string }[] = [
  { value: "OWNER", label: "Owner", help: "everything, including deleting the workspace" },
  { value: "ADMIN", label: "Admin", help: "settings, members, connections and secrets" },
  { value: "MEMBER", label: "Member", help: "resync, replay and edit connections" },
  { value: "VIEWER", label: "Viewer", help: "sees everything, changes nothing" },
];

type Member = RouterOutputs["member"]["list"][number];

function invitationState(expiresAt: Date | null): string {
  if (!expiresAt) return "invitation pending — no valid link: send it again";
  const expires = new Date(expiresAt);
  if (expires.getTime() <= Date.now()) return "invitation expired — send it again";
  return `invitation pending — link valid until ${formatDateTime(expires)}`;
}

export function MembersPanel({
  members,
  canManage,
  isOwner,
  currentUserId,
}: {
  members: Member[];
  canManage: boolean;
  isOwner: boolean;
  currentUserId: string;
}) {
  const trpc = useTRPC();
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("MEMBER");
  const onSuccess = () => router.refresh();
  const invite = useMutation(
    trpc.member.invite.mutationOptions({
      onSuccess: () => {
        setEmail("");
        onSuccess();
      },
    }),
  );
  const updateRole = useMutation(trpc.member.updateRole.mutationOptions({ onSuccess }));
  const remove = useMutation(trpc.member.remove.mutationOptions({ onSuccess }));
  const resend = useMutation(trpc.member.resendInvitation.mutationOptions({ onSuccess }));
  const assignable = ROLES.filter((r) => isOwner || r.value !== "OWNER");
  const activeOwners = members.filter((m) => m.role === "OWNER" && m.status === "ACTIVE").length;
  const error = invite.error ?? updateRole.error ?? remove.error ?? resend.error;

  return (
    <div className="space-y-4">
      <FormError message={error?.data?.zodError?.fieldErrors.email?.[0] ?? error?.message} />
      {canManage && activeOwners === 1 ? (
        <p className="text-xs text-slate-500">
          A workspace needs an owner: the only owner can be removed or change role once someone else is owner.
        </p>
      ) : null}
      <ul className="divide-y divide-slate-100">
        {members.map((member) => {
          const who = member.user?.name ?? member.invitedEmail ?? "unknown";
          const locked = !canManage || (member.role === "OWNER" && !isOwner);
          // The server refuses to leave a workspace without an owner; the page does not offer it.
          const onlyOwner = member.role === "OWNER" && member.status === "ACTIVE" && activeOwners === 1;
          return (
            <li key={member.id} className="flex flex-wrap items-center justify-between gap-3 py-3 text-sm">
              <div>
                <p className="font-medium text-slate-900">
                  {who}
                  {member.userId === currentUserId ? " (you)" : ""}
                </p>
                <p className="text-slate-500">{member.user?.email ?? invitationState(member.inviteExpiresAt)}</p>
              </div>
              <div className="flex items-center gap-2">
                {member.status === "PENDING" ? <StatusBadge status="PENDING" /> : null}
                <label className="sr-only" htmlFor={`role-${member.id}`}>
                  Role of {who}
                </label>
                <select
                  id={`role-${member.id}`}
                  value={member.role}
                  disabled={locked || onlyOwner || updateRole.isPending}
                  title={onlyOwner ? "The only owner: make someone else owner first" : undefined}
                  onChange={(e) => updateRole.mutate({ id: member.id, role: e.target.value as Role })}
                  className="rounded-lg border border-slate-300 bg-white px-2 py-1 text-sm disabled:bg-slate-100"
                >
                  {(locked ? ROLES : assignable).map((r) => (
                    <option key={r.value} value={r.value}>
                      {r.label}
                    </option>
                  ))}
                </select>
                {!locked && member.status === "PENDING" ? (
                  <button
                    type="button"
                    className="text-sm font-medium text-brand-600 hover:text-brand-700"
                    disabled={resend.isPending}
                    onClick={() => resend.mutate({ id: member.id })}
                  >
                    Resend<span className="sr-only"> invitation to {who}</span>
                  </button>
                ) : null}
                {!locked && !onlyOwner ? (
                  <ConfirmButton
                    className="text-sm font-medium text-rose-700 hover:text-rose-900"
                    disabled={remove.isPending}
                    title={
                      member.status === "PENDING"
                        ? `Revoke the invitation to ${who}?`
                        : `Remove ${who}${member.userId === currentUserId ? " (you)" : ""} from this workspace?`
                    }
                    consequences={
                      member.status === "PENDING" ? (
                        <p>The link in the invitation stops working. You can invite the address again later.</p>
                      ) : (
                        <p>
                          {member.userId === currentUserId ? "You lose" : "They lose"} access to this workspace at once:
                          its connections, events, items and settings. Their account stays; invite them again to give
                          access back.
                        </p>
                      )
                    }
                    confirmLabel={member.status === "PENDING" ? "Revoke invitation" : `Remove ${who}`}
                    onConfirm={() => remove.mutate({ id: member.id })}
                  >
                    {member.status === "PENDING" ? "Revoke" : "Remove"}
                    <span className="sr-only">
                      {" "}
                      {member.status === "PENDING" ? "invitation to " : ""}
                      {who}
                    </span>
                  </ConfirmButton>
                ) : null}
              </div>
            </li>
          );
        })}
      </ul>
      {canManage ? (
        <form
          className="flex flex-wrap items-end gap-3 border-t border-slate-100 pt-4"
          onSubmit={(event) => {
            event.preventDefault();
            invite.mutate({ email, role });
          }}
        >
          <div className="min-w-56 flex-1">
            <label htmlFor="invite-email" className="block text-sm font-medium text-slate-700">
              Invite by email
            </label>
            <input
              id="invite-email"
              type="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              className={`mt-1 ${inputClass}`}
              placeholder="colleague@gallery.com"
            />
          </div>
          <div>
            <label htmlFor="invite-role" className="block text-sm font-medium text-slate-700">
              Role
            </label>
            <select
              id="invite-role"
              value={role}
              onChange={(e) => setRole(e.target.value as Role)}
              className={`mt-1 ${inputClass}`}
            >
              {assignable.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label} — {r.help}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={buttonClass} disabled={invite.isPending}>
            {invite.isPending ? "Inviting…" : "Invite"}
          </button>
          {invite.isSuccess || resend.isSuccess ? (
            <p role="status" className="w-full text-sm text-emerald-700">
              Invitation mailed. They join by opening its link and signing in with that address, within 7 days.
            </p>
          ) : null}
        </form>
      ) : null}
    </div>
  );
}
