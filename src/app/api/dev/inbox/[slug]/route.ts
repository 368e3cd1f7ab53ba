import { devTestInboxEnabled, recordInboxDelivery } from "@/server/outbound/dev-test-inbox";

/** The development test inbox's receiving end (see dev-test-inbox.ts); 404 outside development. */
export async function POST(request: Request, { params }: { params: Promise<{ slug: string }> }) {
  if (!devTestInboxEnabled()) return new Response("Not found", { status: 404 });
  const { slug } = await params;
  const body = await request.text();
  recordInboxDelivery(slug, request.headers, body.slice(0, 64 * 1024));
  return new Response("ok", { status: 200, headers: { "content-type": "text/plain" } });
}
