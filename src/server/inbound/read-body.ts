export type BodyReadResult = Buffer | "too_large" | "timeout";

/**
 * Reads a request body up to `limit` bytes within `timeoutMs` in total; stops reading (and says
 * so) as soon as it is over either. The deadline covers the whole body, not each chunk, so a
 * client trickling one byte at a time cannot hold the connection open past it.
 */
export async function readBodyCapped(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
  timeoutMs = Infinity,
): Promise<BodyReadResult> {
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let timer: NodeJS.Timeout | undefined;
  const deadline = Number.isFinite(timeoutMs)
    ? new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      })
    : null;
  try {
    for (;;) {
      const next = deadline ? await Promise.race([reader.read(), deadline]) : await reader.read();
      if (next === "timeout") {
        await reader.cancel().catch(() => undefined);
        return "timeout";
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        return "too_large";
      }
      chunks.push(next.value);
    }
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks);
}
