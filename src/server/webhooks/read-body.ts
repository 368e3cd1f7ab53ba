/** Reads a request body up to `limit` bytes; stops reading (and says so) as soon as it is over. */
export async function readBodyCapped(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<Buffer | "too_large"> {
  if (!stream) return Buffer.alloc(0);
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      return "too_large";
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
