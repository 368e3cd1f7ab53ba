import { readBodyCapped } from "@/server/inbound/read-body";
import { handleWebhook, trustedProxyHops } from "@/server/inbound/route-handler";
import { sourceAddressOf } from "@/server/network/source-address";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export async function POST(
  request: Request,
  { params }: { params: Promise<{ tenantSlug: string; connectionId: string }> },
) {
  const { tenantSlug, connectionId } = await params;
  const length = request.headers.get("content-length");
  const answer = await handleWebhook({
    tenantSlug,
    connectionId,
    headers: request.headers,
    query: new URL(request.url).searchParams,
    contentLength: length && /^\d+$/.test(length) ? Number(length) : null,
    sourceAddress: sourceAddressOf(request.headers, trustedProxyHops()),
    readBody: (limit, timeoutMs) => readBodyCapped(request.body, limit, timeoutMs),
  });
  return new Response(answer.body, {
    status: answer.status,
    headers: { "content-type": answer.contentType, ...answer.headers },
  });
}
