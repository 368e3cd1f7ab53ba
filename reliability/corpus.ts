import { createHmac } from "node:crypto";

/**
 * Malformed and hostile webhook requests against one SAM connection: truncated bodies, wrong
 * encodings, huge headers, invalid JSON, wrong types, signature variants, path tricks in the
 * slugs and SQL-looking strings. Each says what it is and where it goes; none may get a 5xx.
 */
export interface BadRequest {
  name: string;
  method: string;
  /** Path under the app's origin. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  /** True when it reaches the connection's handler (so it must leave a row in the event log). */
  reachesConnection: boolean;
  /** The server may answer (from the handler, logged) or close before reading it all. */
  mayCloseEarly?: boolean;
  /** Text the answer must not contain (an echoed token, internal details). */
  mustNotAnswer?: string;
}

const sign = (secret: string, body: Buffer | string) => createHmac("sha256", secret).update(body).digest("hex");

function validBody(eventId: string, overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return JSON.stringify({
    event_id: eventId,
    type: "stock.changed",
    occurred_at: new Date().toISOString(),
    data: { sam_id: 990001, stock: 1, status: "available", reason: "adjustment", ...data },
    ...overrides,
  });
}

const SQL_STRINGS = [
  "' OR '1'='1",
  '1; DROP TABLE "WebhookEvent"; --',
  '" OR 1=1 --',
  '\') UNION SELECT * FROM "Secret" --',
  "1' AND pg_sleep(5) --",
  '$$; DELETE FROM "Item"; $$',
  "\\x00' OR TRUE",
  "Robert'); DROP TABLE Students;--",
];

export function buildCorpus(slug: string, connectionId: string, secret: string): BadRequest[] {
  const path = `/api/webhooks/${slug}/${connectionId}`;
  const corpus: BadRequest[] = [];
  const json = { "content-type": "application/json" };
  const signed = (name: string, body: Buffer | string, extra: Record<string, string> = {}) =>
    corpus.push({
      name,
      method: "POST",
      path,
      headers: { ...json, "x-sam-signature": sign(secret, body), ...extra },
      body: Buffer.from(body),
      reachesConnection: true,
    });

  // Truncated bodies: signed as sent (so they pass the signature and fail parsing), and signed
  // over the whole body but cut in transit (so they fail the signature).
  const full = validBody("evt-truncated");
  for (const cut of [0, 1, 2, 5, 10, 20, 40, 60, 80, 100, 120, full.length - 2, full.length - 1]) {
    signed(`truncated to ${cut} bytes, signed as sent`, full.slice(0, cut));
    corpus.push({
      name: `truncated to ${cut} bytes in transit`,
      method: "POST",
      path,
      headers: { ...json, "x-sam-signature": sign(secret, full) },
      body: Buffer.from(full.slice(0, cut)),
      reachesConnection: true,
    });
  }

  // Wrong encodings.
  const utf16 = Buffer.from(validBody("evt-utf16"), "utf16le");
  signed("UTF-16LE body", utf16);
  signed("UTF-16LE body with BOM", Buffer.concat([Buffer.from([0xff, 0xfe]), utf16]));
  signed("UTF-8 BOM before JSON", Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(validBody("evt-bom"))]));
  signed(
    "invalid UTF-8 bytes in a string",
    Buffer.concat([
      Buffer.from('{"event_id":"evt-'),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff]),
      Buffer.from('","type":"stock.changed"}'),
    ]),
  );
  signed("latin1 é in event id", Buffer.from(validBody("evt-é-latin1"), "latin1"));
  signed("gzip declared, plain body", validBody("evt-gzip"), { "content-encoding": "gzip" });
  signed("NUL bytes in body", Buffer.from(`${validBody("evt-nul")}\u0000\u0000`));
  signed("body of only NUL bytes", Buffer.alloc(64));
  signed("random binary", Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37 + 11) % 256)));
  signed("lone surrogate escape", validBody("evt-\ud800"));
  signed("JSON with an escaped NUL in the event id", validBody("evt-\u0000"));
  signed("JSON with an escaped NUL in a key", '{"event_id":"evt-nul-key","\\u0000":1}');
  signed(
    "JSON with escaped lone surrogate",
    '{"event_id":"\\ud800","type":"stock.changed","occurred_at":"2026-01-01T00:00:00Z","data":{"sam_id":1,"stock":1,"status":"sold","reason":"sale"}}',
  );

  // Invalid JSON.
  signed("valid JSON nested 200,000 levels deep", `${"[".repeat(200_000)}${"]".repeat(200_000)}`);
  signed("valid JSON array of 400,000 numbers", `[${"1,".repeat(399_999)}1]`);
  signed("valid JSON object nested 50,000 levels deep", `${'{"a":'.repeat(50_000)}1${"}".repeat(50_000)}`);
  for (const text of [
    "{",
    "}",
    "[",
    "null",
    "true",
    "0",
    '""',
    "[]",
    "{}",
    "{'single': 'quotes'}",
    '{"a":1,}',
    '{"a":}',
    "undefined",
    "NaN",
    '{"event_id": "x" "type": "y"}',
    "\u0000",
    " ",
    "\n\n",
    '{"a":1}{"b":2}',
    "{".repeat(5000),
    "[".repeat(100_000),
    '{"__proto__":{"polluted":true}}',
    '{"constructor":{"prototype":{"x":1}}}',
  ]) {
    signed(`invalid or unexpected JSON: ${JSON.stringify(text.slice(0, 30))}`, text);
  }

  // Wrong types and out-of-range values (signed, well-formed JSON).
  const wrongData: [string, Record<string, unknown>][] = [
    ["sam_id object", { sam_id: { id: 1 } }],
    ["sam_id array", { sam_id: [1, 2] }],
    ["sam_id null", { sam_id: null }],
    ["sam_id negative", { sam_id: -5 }],
    ["sam_id float", { sam_id: 1.5 }],
    ["sam_id empty string", { sam_id: "" }],
    ["sam_id 10 kB string", { sam_id: "9".repeat(10_000) }],
    ["stock string", { stock: "5" }],
    ["stock negative", { stock: -1 }],
    ["stock float", { stock: 2.5 }],
    ["stock huge", { stock: 1e30 }],
    ["stock NaN-like string", { stock: "NaN" }],
    ["stock null", { stock: null }],
    ["stock boolean", { stock: true }],
    ["status unknown", { status: "stolen" }],
    ["status number", { status: 3 }],
    ["reason unknown", { reason: "magic" }],
    ["sku object", { sku: { $ne: null } }],
    ["sku 1 kB", { sku: "S".repeat(1000) }],
    ["stock tiny fraction", { stock: 1e-7 }],
    ["stock above 2^53", { stock: 9007199254740993 }],
    ["stock hex string", { stock: "0x10" }],
    ["stock exponent string", { stock: "1e3" }],
    ["stock array", { stock: [1] }],
  ];
  for (const [name, data] of wrongData) signed(`wrong type: ${name}`, validBody(`evt-${name}`, {}, data));
  const wrongTop: [string, Record<string, unknown>][] = [
    ["event_id number", { event_id: 12 }],
    ["event_id empty", { event_id: "" }],
    ["event_id 1 kB", { event_id: "e".repeat(1000) }],
    ["type other", { type: "order.created" }],
    ["occurred_at not a date", { occurred_at: "yesterday" }],
    ["occurred_at number", { occurred_at: 1700000000 }],
    ["occurred_at year 99999", { occurred_at: "+099999-01-01T00:00:00Z" }],
    ["occurred_at month 13", { occurred_at: "2026-13-45T99:99:99Z" }],
    ["occurred_at empty", { occurred_at: "" }],
    ["occurred_at year zero", { occurred_at: "0000-00-00T00:00:00Z" }],
    ["data missing", { data: undefined }],
    ["data string", { data: "stock=0" }],
    ["data array", { data: [] }],
  ];
  for (const [name, top] of wrongTop) signed(`wrong type: ${name}`, validBody(`evt-${name}`, top));

  // SQL-looking strings where ids and SKUs go: valid deliveries for products nobody has (SKIPPED),
  // or refused by the schema; never executed.
  for (const [index, text] of SQL_STRINGS.entries()) {
    signed(`SQL-looking sam_id #${index}`, validBody(`evt-sql-id-${index}`, {}, { sam_id: text }));
    signed(`SQL-looking sku #${index}`, validBody(`evt-sql-sku-${index}`, {}, { sku: text }));
    signed(`SQL-looking event_id #${index}`, validBody(text));
  }

  // Signature variants.
  const body = validBody("evt-signature");
  const good = sign(secret, body);
  const variants: [string, Record<string, string>][] = [
    ["missing signature", {}],
    ["empty signature", { "x-sam-signature": "" }],
    ["signature of another secret", { "x-sam-signature": sign("not-the-secret", body) }],
    ["signature truncated", { "x-sam-signature": good.slice(0, 32) }],
    ["signature one char off", { "x-sam-signature": `${good.slice(0, -1)}${good.endsWith("0") ? "1" : "0"}` }],
    ["signature base64 instead of hex", { "x-sam-signature": Buffer.from(good, "hex").toString("base64") }],
    ["signature with spaces", { "x-sam-signature": ` ${good} ` }],
    ["signature doubled", { "x-sam-signature": `${good}${good}` }],
    ["signature non-hex", { "x-sam-signature": "z".repeat(64) }],
    ["signature sha1= prefix", { "x-sam-signature": `sha1=${good}` }],
    ["signature 10 kB", { "x-sam-signature": "a".repeat(10_000) }],
    ["signature of empty body", { "x-sam-signature": sign(secret, "") }],
    ["signature over body with trailing newline", { "x-sam-signature": sign(secret, `${body}\n`) }],
    [
      "signature in another provider's header",
      { "x-shopify-hmac-sha256": Buffer.from(good, "hex").toString("base64") },
    ],
    ["signature list", { "x-sam-signature": `${sign("x", body)}, ${good}` }],
  ];
  for (const [name, headers] of variants)
    corpus.push({
      name,
      method: "POST",
      path,
      headers: { ...json, ...headers },
      body: Buffer.from(body),
      reachesConnection: true,
    });

  // Content types and sizes.
  for (const type of [
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "",
    "application/json\u0000",
    "APPLICATION/JSON; charset=utf-16",
  ]) {
    // Node's HTTP parser itself answers 400 to a NUL in a header value.
    corpus.push({
      name: `content type ${JSON.stringify(type)}`,
      method: "POST",
      path,
      headers: { "content-type": type, "x-sam-signature": good },
      body: Buffer.from(body),
      reachesConnection: !type.includes("\u0000"),
    });
  }
  const big = Buffer.alloc(1024 * 1024 + 10, 0x20);
  corpus.push({
    name: "body over 1 MiB",
    method: "POST",
    path,
    headers: { ...json, "x-sam-signature": sign(secret, big) },
    body: big,
    reachesConnection: true,
  });
  corpus.push({
    name: "Content-Length over 1 MiB, short body",
    method: "POST",
    path,
    headers: { ...json, "content-length": String(50 * 1024 * 1024), "x-sam-signature": good },
    body: Buffer.from(body),
    reachesConnection: false,
    mayCloseEarly: true,
  });

  // Huge and odd headers: beyond Node's 16 kB header limit the server answers 431 itself.
  for (const kb of [4, 8, 15, 32, 64]) {
    corpus.push({
      name: `header of ${kb} kB`,
      method: "POST",
      path,
      headers: { ...json, "x-sam-signature": good, "x-padding": "p".repeat(kb * 1024) },
      body: Buffer.from(body),
      reachesConnection: kb < 16,
    });
  }
  corpus.push({
    name: "200 headers",
    method: "POST",
    path,
    headers: {
      ...json,
      "x-sam-signature": good,
      ...Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`x-extra-${i}`, String(i)])),
    },
    body: Buffer.from(body),
    reachesConnection: true,
  });
  corpus.push({
    name: "user agent 8 kB",
    method: "POST",
    path,
    headers: { ...json, "x-sam-signature": good, "user-agent": "U".repeat(8 * 1024) },
    body: Buffer.from(body),
    reachesConnection: true,
  });
  corpus.push({
    name: "x-sam-event with SQL",
    method: "POST",
    path,
    headers: { ...json, "x-sam-signature": good, "x-sam-event": SQL_STRINGS[1]! },
    body: Buffer.from(body),
    reachesConnection: true,
  });

  // Address and replay tricks (issue 17): a forgery claiming to come from elsewhere is still a
  // counted 401 and never a known platform address; a captured signed body resent with other
  // unsigned headers is the same delivery (DUPLICATE), not a new one.
  corpus.push({
    name: "forged signature with a spoofed X-Forwarded-For",
    method: "POST",
    path,
    headers: { ...json, "x-sam-signature": sign("guess", body), "x-forwarded-for": "203.0.113.1, 127.0.0.1" },
    body: Buffer.from(body),
    reachesConnection: true,
  });
  corpus.push({
    name: "forged signature with a garbage X-Forwarded-For",
    method: "POST",
    path,
    headers: { ...json, "x-sam-signature": "0".repeat(64), "x-forwarded-for": "' OR 1=1 --, ::ffff:zz" },
    body: Buffer.from(body),
    reachesConnection: true,
  });
  corpus.push({
    name: "signed body replayed with a changed unsigned event header",
    method: "POST",
    path,
    headers: { ...json, "x-sam-signature": good, "x-sam-event": "replayed-under-a-new-name" },
    body: Buffer.from(body),
    reachesConnection: true,
  });

  // Methods the endpoint does not take.
  for (const method of ["GET", "PUT", "DELETE", "PATCH", "OPTIONS"])
    corpus.push({
      name: `method ${method}`,
      method,
      path,
      headers: json,
      body: method === "GET" || method === "OPTIONS" ? undefined : Buffer.from(body),
      reachesConnection: false,
    });

  // Path tricks in the slugs: traversal, encodings, SQL, NULs, lengths, another tenant's shape.
  const slugs = [
    "..",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "%2e%2e%2f%2e%2e%2f",
    "..%5c..%5cwindows",
    "%00",
    "a%00b",
    "%ff%fe",
    "%C0%AE%C0%AE",
    encodeURIComponent("' OR 1=1 --"),
    encodeURIComponent('1; DROP TABLE "Tenant"'),
    "x".repeat(2000),
    "%25",
    "%",
    "%zz",
    "🙂",
    encodeURIComponent("<script>alert(1)</script>"),
    encodeURIComponent(slug.toUpperCase()),
    `${slug}%20`,
    `${slug}.json`,
  ];
  for (const trick of slugs) {
    corpus.push({
      name: `tenant slug ${trick.slice(0, 40)}`,
      method: "POST",
      path: `/api/webhooks/${trick}/${connectionId}`,
      headers: { ...json, "x-sam-signature": good },
      body: Buffer.from(body),
      reachesConnection: false,
    });
    corpus.push({
      name: `connection id ${trick.slice(0, 40)}`,
      method: "POST",
      path: `/api/webhooks/${slug}/${trick}`,
      headers: { ...json, "x-sam-signature": good },
      body: Buffer.from(body),
      reachesConnection: false,
    });
  }
  for (const extra of [
    `/api/webhooks/${slug}`,
    `/api/webhooks/${slug}/${connectionId}/extra`,
    `/api/webhooks/${slug}/${connectionId}/..`,
    `/api/webhooks/${slug}/${connectionId}%2F..%2F..`,
    "/api/webhooks/",
    `/api/webhooks/${slug}/${connectionId}?validationToken=${encodeURIComponent("<x>")}`,
  ]) {
    corpus.push({
      name: `path ${extra.slice(0, 60)}`,
      method: "POST",
      path: extra,
      headers: { ...json, "x-sam-signature": good },
      body: Buffer.from(body),
      reachesConnection: extra.includes("validationToken"),
    });
  }

  // Issue 17's hostile requests. Business Central's handshake on a connection that makes no
  // subscription (here a SAM one): the token must never come back.
  for (const token of ["<script>alert(document.domain)</script>", "stockhook-echo-probe-1", "A".repeat(5000)]) {
    corpus.push({
      name: `validationToken ${token.slice(0, 30)}`,
      method: "POST",
      path: `${path}?validationToken=${encodeURIComponent(token)}`,
      headers: json,
      body: Buffer.from(""),
      reachesConnection: true,
      mustNotAnswer: token.slice(0, 200),
    });
  }
  // The public health check says up or down, whatever credentials a stranger guesses.
  for (const authorization of [
    undefined,
    "Bearer ",
    "Bearer undefined",
    "Bearer null",
    `Bearer ${"x".repeat(64)}`,
    "Basic YWRtaW46YWRtaW4=",
  ]) {
    corpus.push({
      name: `health with ${authorization ?? "no"} authorization`,
      method: "GET",
      path: "/api/health",
      headers: authorization ? { authorization } : {},
      reachesConnection: false,
      mustNotAnswer: "database",
    });
  }
  // Without a session, the API refuses the attacks on connection addresses, cursors and write grants.
  const trpc = (procedure: string, input: unknown): BadRequest => ({
    name: `tRPC ${procedure} without a session`,
    method: "POST",
    path: `/api/trpc/${procedure}`,
    headers: { ...json, "x-stockhook-tenant": slug },
    body: Buffer.from(JSON.stringify({ json: input })),
    reachesConnection: false,
  });
  corpus.push(
    trpc("connection.create", {
      provider: "SAM",
      direction: "SOURCE",
      name: "Metadata",
      baseUrl: "http://169.254.169.254/latest/meta-data",
      credentials: { apiKey: "attacker-key-1" },
    }),
    trpc("connection.update", { id: connectionId, baseUrl: "https://attacker.example" }),
    trpc("connection.changeAddress", { id: connectionId, baseUrl: "http://[::127.0.0.1]:5432/" }),
    trpc("support.grantWriteAccess", { sessionId: "own-session" }),
  );
  // Accounts: forged or malformed single-use links, sign-up probes and an off-site redirect after
  // sign-in. Answered with a clear refusal, never a 5xx, and the foreign host never echoed back.
  corpus.push(
    trpc("auth.resetPassword", { token: "forged-reset-token", password: "a-new-password-123" }),
    trpc("auth.resetPassword", { token: "x".repeat(5000), password: "a-new-password-123" }),
    trpc("auth.signUp", { name: "<script>alert(1)</script>", email: "not-an-address", password: "short" }),
    trpc("auth.signUp", { name: "Probe", email: `${"a".repeat(300)}@example.com`, password: "long-enough-password" }),
    trpc("auth.resendVerification", { email: "nobody@example.com" }),
  );
  for (const link of [
    "/verify-email?token=forged",
    "/verify-email?token=",
    `/invite?token=${"z".repeat(3000)}`,
    "/reset-password?token=%00",
    "/signin?callbackUrl=%2F%2Fevil.example",
    "/signin?callbackUrl=%2F%5Cevil.example",
  ]) {
    corpus.push({
      name: `account page ${link.slice(0, 50)}`,
      method: "GET",
      path: link,
      headers: {},
      reachesConnection: false,
      ...(link.includes("evil") ? { mustNotAnswer: "https://evil.example" } : {}),
    });
  }
  corpus.push({
    name: "tRPC item.list with a foreign cursor without a session",
    method: "GET",
    path: `/api/trpc/item.list?input=${encodeURIComponent(JSON.stringify({ json: { cursor: "another-tenants-item" } }))}`,
    headers: { "x-stockhook-tenant": slug },
    reachesConnection: false,
  });
  return corpus;
}
