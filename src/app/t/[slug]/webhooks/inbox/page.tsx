import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { formatDateTime } from "@/app/_components/format";
import { AutoRefresh } from "@/app/_components/webhooks/auto-refresh";
import { CopyField } from "@/app/_components/copy-button";
import { Card, EmptyState, PageHeader } from "@/app/_components/ui";
import { devTestInbox, inboxDeliveries } from "@/server/outbound/dev-test-inbox";
import { requireTenant } from "@/trpc/server";

export const metadata: Metadata = { title: "Test inbox" };

/** Development only: what Stockhook sent to the built-in test inbox, newest first. */
export default async function TestInboxPage({ params }: { params: Promise<{ slug: string }> }) {
  const { slug } = await params;
  await requireTenant(slug);
  const inbox = devTestInbox(slug);
  if (!inbox) notFound();
  const deliveries = inboxDeliveries(slug);
  return (
    <>
      <PageHeader
        title="Test inbox"
        description="Development only: an endpoint inside Stockhook that keeps the last 50 deliveries sent to it, so you can see exactly what a receiver gets."
        actions={
          <Link href={`/t/${slug}/webhooks`} className="text-sm font-medium text-slate-600 hover:text-slate-900">
            Webhooks
          </Link>
        }
      />
      <AutoRefresh everyMs={2000} />
      <div className="space-y-6">
        <CopyField label="Endpoint URL of the test inbox" value={inbox.url} />
        <Card title={`Received (${deliveries.length})`}>
          {deliveries.length === 0 ? (
            <EmptyState title="Nothing received yet">
              Add an endpoint with the URL above on the Webhooks page, then press “Send test event”.
            </EmptyState>
          ) : (
            <ol className="space-y-4">
              {deliveries.map((delivery) => (
                <li
                  key={`${delivery.receivedAt.toISOString()}-${delivery.headers["webhook-id"] ?? ""}`}
                  data-testid="inbox-delivery"
                >
                  <p className="text-sm font-medium text-slate-900">
                    {formatDateTime(delivery.receivedAt)} · {delivery.headers["webhook-id"] ?? "no webhook-id"}
                  </p>
                  <dl className="mt-1 grid gap-x-4 text-xs text-slate-600 sm:grid-cols-[auto_1fr]">
                    {Object.entries(delivery.headers).map(([name, value]) => (
                      <div key={name} className="contents">
                        <dt className="font-mono">{name}</dt>
                        <dd className="font-mono break-all">{value}</dd>
                      </div>
                    ))}
                  </dl>
                  <pre className="mt-2 max-h-80 overflow-auto rounded bg-slate-50 p-3 font-mono text-xs break-all whitespace-pre-wrap text-slate-800">
                    {prettyJson(delivery.body)}
                  </pre>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </>
  );
}

function prettyJson(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}
