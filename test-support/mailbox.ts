/**
 * Reads mail from a Mailpit receiver's HTTP API (what `npm run dev` and the tests send to):
 * waits for a message to an address, returns its text, HTML and links.
 */
export interface ReceivedMail {
  id: string;
  subject: string;
  text: string;
  html: string;
  links: string[];
}

interface Summary {
  ID: string;
  Subject: string;
  Created: string;
  To: { Address: string }[];
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Mailpit ${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

export async function listMail(apiUrl: string, to: string): Promise<Summary[]> {
  const search = new URLSearchParams({ query: `to:"${to}"`, limit: "200" });
  const body = await getJson<{ messages: Summary[] }>(`${apiUrl}/api/v1/search?${search}`);
  // Newest first, as Mailpit lists them; the exact address only (search matches substrings).
  return body.messages.filter((m) => m.To.some((r) => r.Address.toLowerCase() === to.toLowerCase()));
}

export async function readMail(apiUrl: string, id: string): Promise<ReceivedMail> {
  const message = await getJson<{ ID: string; Subject: string; Text: string; HTML: string }>(
    `${apiUrl}/api/v1/message/${id}`,
  );
  const links = [...new Set([...message.Text.matchAll(/https?:\/\/[^\s)>"']+/g)].map((m) => m[0]))];
  return { id: message.ID, subject: message.Subject, text: message.Text, html: message.HTML, links };
}

/**
 * The newest message to `to` whose subject matches, once it has arrived; `count` waits for that
 * many matching messages (e.g. a resent link). Polls the receiver: its store is the signal.
 */
export async function waitForMail(
  apiUrl: string,
  to: string,
  options: { subject?: RegExp; count?: number; timeoutMs?: number } = {},
): Promise<ReceivedMail> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const matching = (await listMail(apiUrl, to)).filter((m) => !options.subject || options.subject.test(m.Subject));
    if (matching.length >= (options.count ?? 1)) return readMail(apiUrl, matching[0]!.ID);
    if (Date.now() > deadline)
      throw new Error(
        `no mail to ${to}${options.subject ? ` matching ${options.subject}` : ""} arrived (have ${matching.length})`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The first link in a message that goes to `path` on the app. */
export function linkTo(mail: ReceivedMail, path: string): string {
  const link = mail.links.find((l) => new URL(l).pathname === path);
  if (!link) throw new Error(`mail "${mail.subject}" has no link to ${path}: ${mail.links.join(", ")}`);
  return link;
}
