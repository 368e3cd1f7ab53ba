"use client";

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { RelativeTime } from "@/app/_components/relative-time";
import { DataTable, inputClass, LoadMoreFooter } from "@/app/_components/ui";
import { useTRPC } from "@/trpc/react";
import { auditActionWords, auditSummaryWords, isInternalId } from "./audit-words";

interface AuditRow {
  id: string;
  action: string;
  target: string | null;
  summary: unknown;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
  impersonatorId: string | null;
  actor: { name: string; email: string } | null;
  tenant?: { slug: string; name: string } | null;
}

// New entries show up while the page is open.
const LIVE_REFRESH_MS = 5000;

function summaryText(summary: unknown): string {
  const text = auditSummaryWords(summary);
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}

/**
 * The audit trail, newest first, 50 rows at a time, filterable by action and actor: a tenant's own
 * (scope "tenant", for its owners and admins) or the whole platform's (scope "platform", ADMIN).
 */
export function AuditTrail({ scope }: { scope: "tenant" | "platform" }) {
  const trpc = useTRPC();
  const [action, setAction] = useState("");
  const [actorId, setActorId] = useState("");
  const filter = { action: action || undefined, actorId: actorId || undefined };
  const options = {
    getNextPageParam: (page: { nextCursor: string | null }) => page.nextCursor,
    refetchInterval: LIVE_REFRESH_MS,
  };
  const tenantPages = useInfiniteQuery({
    ...trpc.audit.list.infiniteQueryOptions(filter, options),
    enabled: scope === "tenant",
  });
  const platformPages = useInfiniteQuery({
    ...trpc.support.auditLog.infiniteQueryOptions(filter, options),
    enabled: scope === "platform",
  });
  const tenantFacets = useQuery({ ...trpc.audit.facets.queryOptions(), enabled: scope === "tenant" });
  const platformFacets = useQuery({ ...trpc.support.auditFacets.queryOptions(), enabled: scope === "platform" });
  const pages = scope === "tenant" ? tenantPages : platformPages;
  const facets = scope === "tenant" ? tenantFacets.data : platformFacets.data;
  const rows: AuditRow[] = pages.data?.pages.flatMap((page) => page.rows) ?? [];
  const columns = ["When", ...(scope === "platform" ? ["Workspace"] : []), "Who", "What", "From (IP)"];

  return (
    <div className="space-y-3" data-testid={`audit-trail-${scope}`}>
      <div className="grid gap-3 sm:grid-cols-2">
        <label className="text-sm font-medium text-slate-700">
          Action
          <select className={`mt-1 ${inputClass}`} value={action} onChange={(e) => setAction(e.target.value)}>
            <option value="">Any action</option>
            {facets?.actions.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium text-slate-700">
          Actor
          <select className={`mt-1 ${inputClass}`} value={actorId} onChange={(e) => setActorId(e.target.value)}>
            <option value="">Anyone</option>
            {facets?.actors.map((actor) => (
              <option key={actor.id} value={actor.id}>
                {actor.name} ({actor.email})
              </option>
            ))}
          </select>
        </label>
      </div>
      {pages.isPending ? (
        <p role="status" className="text-sm text-slate-500">
          Loading the audit trail…
        </p>
      ) : null}
      {pages.isError ? (
        <p role="alert" className="text-sm text-rose-800">
          Could not load the audit trail: {pages.error.message}
        </p>
      ) : null}
      {pages.isSuccess && rows.length === 0 ? (
        <p className="text-sm text-slate-500">Nothing recorded{action || actorId ? " for this filter" : " yet"}.</p>
      ) : null}
      {rows.length > 0 ? (
        <DataTable columns={columns} footer={<LoadMoreFooter query={pages} label="Load older entries" />}>
          {rows.map((row) => (
            <tr key={row.id} className="align-top">
              <td className="px-4 py-2 whitespace-nowrap text-slate-600">
                <RelativeTime value={row.createdAt} />
              </td>
              {scope === "platform" ? (
                <td className="px-4 py-2 text-slate-700">{row.tenant?.name ?? "platform"}</td>
              ) : null}
              <td className="px-4 py-2 text-slate-800">
                {row.actor ? row.actor.email : "command line"}
                {row.impersonatorId ? (
                  <span className="ml-1 rounded bg-amber-100 px-1 text-xs whitespace-nowrap text-amber-900">
                    support session
                  </span>
                ) : null}
              </td>
              <td className="w-full px-4 py-2 break-all">
                <span className="font-medium text-slate-900">{auditActionWords(row.action)}</span>
                <code className="ml-2 text-xs text-slate-400">{row.action}</code>
                {row.target && !isInternalId(row.target) ? (
                  <span className="ml-2 text-xs text-slate-500">{row.target}</span>
                ) : null}
                {summaryText(row.summary) ? (
                  <p className="mt-0.5 text-xs text-slate-600">{summaryText(row.summary)}</p>
                ) : null}
              </td>
              <td className="px-4 py-2 text-xs text-slate-500" title={row.userAgent ?? undefined}>
                {row.ip ?? "—"}
              </td>
            </tr>
          ))}
        </DataTable>
      ) : null}
    </div>
  );
}
