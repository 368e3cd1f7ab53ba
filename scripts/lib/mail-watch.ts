/**
 * `npm run dev`: prints every message Mailpit receives (to, subject, and where to open it), so a
 * developer signing up locally can follow the confirmation link from the console; /view/<id>.html
 * shows the message as the recipient sees it.
 */
export function watchMailpit(apiUrl: string, intervalMs = 1000): () => void {
  const seen = new Set<string>();
  let primed = false;
  const timer = setInterval(() => {
    void fetch(`${apiUrl}/api/v1/messages?limit=50`)
      .then((r) =>
        r.ok ? (r.json() as Promise<{ messages: { ID: string; Subject: string; To: { Address: string }[] }[] }>) : null,
      )
      .then((body) => {
        for (const message of [...(body?.messages ?? [])].reverse()) {
          if (seen.has(message.ID)) continue;
          seen.add(message.ID);
          // Mail already in the store when the dev server starts was printed last time.
          if (!primed) continue;
          console.log(
            `[mail] to ${message.To.map((t) => t.Address).join(", ")}: "${message.Subject}" — open ${apiUrl}/view/${message.ID}.html`,
          );
        }
        primed = true;
      })
      .catch(() => undefined);
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
