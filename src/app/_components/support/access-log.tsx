import { formatDateTime } from "@/app/_components/format";
import { EmptyState, StatusBadge } from "@/app/_components/ui";
import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@/server/api/root";

type Session = inferRouterOutputs<AppRouter>["audit"]["accessLog"][number];

const STATE_TONE = { ACTIVE: "amber", ENDED: "gray", EXPIRED: "gray" } as const;

/** Every support session of this workspace: who, when, why, how long, and what they did. */
export function AccessLog({ sessions }: { sessions: Session[] }) {
  if (sessions.length === 0) {
    return (
      <EmptyState title="No support access yet">
        When Stockhook support opens your workspace to help you, it is listed here with the reason they gave.
      </EmptyState>
    );
  }
  return (
    <ul className="divide-y divide-slate-100" data-testid="access-log">
      {sessions.map((session) => (
        <li key={session.id} className="py-3 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-medium text-slate-900">{session.staffUser.name}</span>
            <span className="text-slate-500">{session.staffUser.email}</span>
            <StatusBadge status={session.state} tone={STATE_TONE[session.state]} />
            {session.writeAccessGrantedAt ? (
              <StatusBadge status="WRITE_ACCESS" tone="red" />
            ) : (
              <StatusBadge status="READ_ONLY" tone="green" />
            )}
          </div>
          <p className="mt-1 text-slate-700">“{session.reason}”</p>
          <p className="mt-1 text-xs text-slate-500">
            {formatDateTime(session.startedAt)} · {session.minutes} min
            {session.writeAccessGrantedBy
              ? ` · write access granted by ${session.writeAccessGrantedBy.email} at ${formatDateTime(session.writeAccessGrantedAt)}`
              : ""}
          </p>
          <details className="mt-1 text-xs text-slate-600">
            <summary className="cursor-pointer">What they did ({session.actions.length})</summary>
            <ul className="mt-1 space-y-0.5 pl-4">
              {session.actions.map((action) => (
                <li key={action.id}>
                  {formatDateTime(action.createdAt)} — <code>{action.action}</code>
                  {action.target ? ` ${action.target}` : ""}
                </li>
              ))}
            </ul>
          </details>
        </li>
      ))}
    </ul>
  );
}
