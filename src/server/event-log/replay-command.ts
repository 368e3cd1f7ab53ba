import { z } from "zod";
import { DomainError } from "@/server/errors";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { maskHeader } from "@/shared/secret-headers";
import { isUtf8, storedRequestOf, type StoredRequest } from "./raw-request";

/**
 * "Copy as curl": the delivery exactly as the platform sent it — every stored header, the
 * signature unmasked, the body byte for byte — posted to a URL the user gives, so a receiver that
 * checks the platform's signature accepts it. Reading it is a privileged read (the signature is a
 * proof made with the tenant's secret): `event.replayCommand` is audited and refused to viewers
 * and to support sessions.
 */
export const replayTargetSchema = z
  .string()
  .trim()
  .max(2_000)
  .refine((value) => URL.canParse(value) && ["http:", "https:"].includes(new URL(value).protocol), {
    message: "Enter a full http:// or https:// URL",
  });

export const NO_EXACT_REPLAY =
  "An exact replay is not available for this event: it was stored before Stockhook kept the request as sent (or it is a duplicate or was refused), so its signature header and original bytes are not on record";

export interface ReplayCommand {
  /** What to run: the signature and every other secret-bearing header in full. */
  command: string;
  /** The same command as the drawer shows it, secret-bearing headers masked. */
  shown: string;
}

export async function replayCommandFor(db: TenantDb, eventId: string, targetUrl: string): Promise<ReplayCommand> {
  const event = await db.webhookEvent.findFirst({
    where: { id: eventId },
    select: { signatureVerdict: true, requestHeaders: true, rawBody: true },
  });
  if (!event) throw new DomainError("NOT_FOUND", "Event not found");
  const request = event.signatureVerdict === "VALID" ? storedRequestOf(event) : null;
  if (!request) throw new DomainError("CONFLICT", NO_EXACT_REPLAY);
  return {
    command: curlCommand(targetUrl, request, false),
    shown: curlCommand(targetUrl, request, true),
  };
}

export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * Bodies that survive a shell's single quotes and a terminal's paste unchanged: UTF-8 with no
 * control character but newline and tab, and not starting with "@" (curl would read a file).
 * Anything else goes through base64, which carries any byte.
 */
function quotable(body: Buffer): boolean {
  if (!isUtf8(body)) return false;
  const text = body.toString("utf8");
  return !text.startsWith("@") && !/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text);
}

/**
 * `--compressed`: the platform's own `accept-encoding` is among the headers, so a receiver may
 * answer gzip; curl then shows the answer decoded rather than as binary.
 */
export function curlCommand(url: string, request: StoredRequest, masked: boolean): string {
  // `name;` is curl's way to send a header with an empty value (`name:` would remove it).
  const headers = Object.entries(request.headers).map(([name, value]) =>
    value === ""
      ? `  -H ${shellQuote(`${name};`)}`
      : `  -H ${shellQuote(`${name}: ${masked ? maskHeader(name, value) : value}`)}`,
  );
  if (quotable(request.body))
    return [
      `curl -sS --compressed -X POST ${shellQuote(url)}`,
      ...headers,
      `  --data-binary ${shellQuote(request.body.toString("utf8"))}`,
    ].join(" \\\n");
  return [
    `printf %s ${shellQuote(request.body.toString("base64"))} | base64 -d | curl -sS --compressed -X POST ${shellQuote(url)}`,
    ...headers,
    "  --data-binary @-",
  ].join(" \\\n");
}
