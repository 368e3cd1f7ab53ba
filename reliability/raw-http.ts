import { connect } from "node:net";

/**
 * One HTTP/1.1 request written by hand on a TCP socket, so a test can send what an HTTP client
 * refuses to (NUL bytes in headers, a Content-Length that lies, raw percent signs in paths).
 * Resolves with the status (0 when the server closed without answering) and the body.
 */
export interface RawAnswer {
  status: number;
  body: string;
}

export function rawRequest(
  origin: string,
  request: { method: string; path: string; headers: Record<string, string>; body?: Buffer },
  timeoutMs = 20_000,
): Promise<RawAnswer> {
  const url = new URL(origin);
  const headers = { host: url.host, connection: "close", ...request.headers };
  const hasLength = Object.keys(headers).some((name) => name.toLowerCase() === "content-length");
  const lines = [
    `${request.method} ${request.path} HTTP/1.1`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  if (!hasLength && request.body) lines.push(`content-length: ${request.body.length}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1");
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    socket.on("connect", () => {
      socket.write(head);
      if (request.body) socket.write(request.body);
      // A lying Content-Length would leave the server waiting: close our side after a moment.
      if (hasLength) setTimeout(() => socket.end(), 1_000);
    });
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      // The server may answer and close before it read all we sent (e.g. 413, 431).
      if (chunks.length) resolve(parse(Buffer.concat(chunks)));
      else if (error.code === "ECONNRESET" || error.code === "EPIPE") resolve({ status: 0, body: "" });
      else reject(error);
    });
    socket.on("close", () => {
      clearTimeout(timer);
      resolve(parse(Buffer.concat(chunks)));
    });
  });
}

function parse(raw: Buffer): RawAnswer {
  const text = raw.toString("utf8");
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(text)?.[1] ?? 0);
  const split = text.indexOf("\r\n\r\n");
  const head = split >= 0 ? text.slice(0, split) : text;
  let body = split >= 0 ? text.slice(split + 4) : "";
  if (/^transfer-encoding:\s*chunked/im.test(head)) {
    let decoded = "";
    let rest = body;
    for (;;) {
      const lineEnd = rest.indexOf("\r\n");
      const size = parseInt(rest.slice(0, lineEnd), 16);
      if (!size || Number.isNaN(size)) break;
      decoded += rest.slice(lineEnd + 2, lineEnd + 2 + size);
      rest = rest.slice(lineEnd + 2 + size + 2);
    }
    body = decoded;
  }
  return { status, body };
}

/**
 * The slowloris client: sends the head of a POST declaring `declaredLength` bytes, then one byte
 * every `intervalMs`, for as long as the server keeps the request open. Resolves with the status
 * of the server's answer (0 when it closed without one) and how many body bytes were sent.
 */
export function slowRequest(
  origin: string,
  path: string,
  headers: Record<string, string>,
  declaredLength: number,
  intervalMs: number,
  giveUpMs = 60_000,
): Promise<{ status: number; body: string; bytesSent: number }> {
  const url = new URL(origin);
  const lines = [
    `POST ${path} HTTP/1.1`,
    `host: ${url.host}`,
    "connection: close",
    `content-length: ${declaredLength}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    let bytesSent = 0;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearInterval(trickle);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ ...parse(Buffer.concat(chunks)), bytesSent });
    };
    const trickle = setInterval(() => {
      if (bytesSent >= declaredLength - 1 || socket.destroyed) return;
      bytesSent += 1;
      socket.write(" ");
    }, intervalMs);
    const giveUp = setTimeout(() => {
      clearInterval(trickle);
      socket.destroy(new Error(`the server kept a slow body open for ${giveUpMs} ms`));
    }, giveUpMs);
    socket.on("connect", () => socket.write(`${lines.join("\r\n")}\r\n\r\n`));
    socket.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (/^HTTP\/1\.[01] \d{3}/.test(Buffer.concat(chunks).toString("latin1"))) finish();
    });
    socket.on("close", finish);
    socket.on("error", (error: NodeJS.ErrnoException) => {
      if (settled) return;
      if (error.code === "ECONNRESET" || error.code === "EPIPE") return finish();
      settled = true;
      clearInterval(trickle);
      clearTimeout(giveUp);
      reject(error);
    });
  });
}
