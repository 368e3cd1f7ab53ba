import { randomBytes } from "node:crypto";
import { type BcItemJson, type BcNotification } from "@/server/connectors/business-central/schemas";
import { hash, type SimItem } from "../catalogue";
import { bearer, header, json, parseJson, type ProviderSim, type SimRequest, type SimResponse } from "../http";
import { type SimStore } from "../store";

/**
 * Business Central API v2.0 with its OAuth token endpoint, OData paging (maxpagesize,
 * nextLink/$skiptoken, $filter on lastModifiedDateTime) and webhook subscriptions, including
 * the validation handshake a new subscription makes against its notification URL.
 */
export const BC_ENVIRONMENT = "production";
const DEFAULT_PAGE_SIZE = 1000;
const SUBSCRIPTION_LIFETIME_MS = 3 * 24 * 60 * 60 * 1000;
const TOKEN_LIFETIME_S = 3599;

const hex = (value: number, width: number) => value.toString(16).padStart(width, "0").slice(-width);

export function bcCompanyId(store: SimStore): string {
  const h = hash(store.catalogue.seed, 0xbc);
  return `${hex(h, 8)}-${hex(h >>> 16, 4)}-4000-8000-${hex(hash(h, 1), 12)}`;
}

/** Zero-padded index in the last group: string order of ids is creation order, as paging needs. */
export function bcItemId(store: SimStore, index: number): string {
  return `${hex(hash(store.catalogue.seed, 0xb1), 8)}-0000-4000-8000-${hex(index, 12)}`;
}

function itemByGuid(store: SimStore, id: string): SimItem | undefined {
  const match = /^([0-9a-f]{8})-0000-4000-8000-([0-9a-f]{12})$/i.exec(id.replace(/^'|'$/g, ""));
  if (!match || bcItemId(store, 0).slice(0, 8) !== match[1]?.toLowerCase()) return undefined;
  const item = store.catalogue.item(parseInt(match[2] ?? "", 16));
  return item && item.state !== "deleted" ? item : undefined;
}

export function bcItem(store: SimStore, item: SimItem): BcItemJson & Record<string, unknown> {
  return {
    "@odata.etag": `W/"JzE5OzE${item.updatedAt.getTime()}MTswMDsn"`,
    id: bcItemId(store, item.index),
    number: item.sku,
    displayName: item.title,
    type: "Inventory",
    blocked: item.state === "archived",
    inventory: item.quantity,
    baseUnitOfMeasureCode: "PCS",
    lastModifiedDateTime: item.updatedAt.toISOString(),
  };
}

const odataError = (status: number, code: string, message: string): SimResponse =>
  json(status, { error: { code, message } });

interface Subscription {
  subscriptionId: string;
  notificationUrl: string;
  resource: string;
  clientState: string;
  expirationDateTime: string;
  lastModifiedDateTime: string;
  "@odata.etag": string;
}

function state<T>(store: SimStore, key: string, create: () => T): T {
  if (!store.extra.has(key)) store.extra.set(key, create());
  return store.extra.get(key) as T;
}
const tokens = (store: SimStore) => state(store, "bc:tokens", () => new Map<string, number>());
const subscriptions = (store: SimStore) => state(store, "bc:subscriptions", () => new Map<string, Subscription>());

function issueToken(store: SimStore, body: string): SimResponse {
  const form = new URLSearchParams(body);
  if (form.get("grant_type") !== "client_credentials")
    return json(400, {
      error: "unsupported_grant_type",
      error_description: "AADSTS70003: The app requested an unsupported grant type.",
    });
  if (form.get("client_id") !== store.credentials.key || form.get("client_secret") !== store.credentials.secret) {
    return json(401, { error: "invalid_client", error_description: "AADSTS7000215: Invalid client secret provided." });
  }
  const token = randomBytes(24).toString("base64url");
  tokens(store).set(token, Date.now() + TOKEN_LIFETIME_S * 1000);
  return json(200, {
    token_type: "Bearer",
    expires_in: TOKEN_LIFETIME_S,
    ext_expires_in: TOKEN_LIFETIME_S,
    access_token: token,
  });
}

function listItems(store: SimStore, request: SimRequest, companyPath: string): SimResponse {
  const filter = request.query.get("$filter");
  const since = filter ? /^lastModifiedDateTime gt (\S+)$/.exec(filter.trim())?.[1] : undefined;
  if (filter && (!since || Number.isNaN(Date.parse(since))))
    return odataError(400, "BadRequest", `Unsupported $filter in simulator: ${filter}`);
  const maxPage = Number(/odata\.maxpagesize=(\d+)/.exec(header(request, "prefer") ?? "")?.[1] ?? DEFAULT_PAGE_SIZE);
  const top = request.query.has("$top") ? Number(request.query.get("$top")) : Number.POSITIVE_INFINITY;
  const skip = Number(request.query.get("$skip") ?? 0);
  const after = request.query.has("$skiptoken") ? Number(request.query.get("$skiptoken")) : -1;
  const sinceMs = since ? Date.parse(since) : Number.NEGATIVE_INFINITY;

  const value: Record<string, unknown>[] = [];
  const pageSize = Math.min(maxPage, top);
  let skipped = 0;
  let last = after;
  let more = false;
  for (const item of store.catalogue.live(after + 1)) {
    if (item.updatedAt.getTime() <= sinceMs || skipped++ < skip) continue;
    if (value.length >= pageSize) {
      more = true;
      break;
    }
    value.push(select(bcItem(store, item), request.query.get("$select")));
    last = item.index;
  }
  const next = new URLSearchParams(request.query);
  next.delete("$skip");
  next.set("$skiptoken", String(last));
  if (Number.isFinite(top)) next.set("$top", String(top - value.length));
  const moreAllowed = more && (!Number.isFinite(top) || top - value.length > 0);
  return json(
    200,
    {
      "@odata.context": `${request.origin}${request.prefix}/$metadata#companies(${bcCompanyId(store)})/items`,
      value,
      ...(moreAllowed ? { "@odata.nextLink": `${request.origin}${request.prefix}${companyPath}/items?${next}` } : {}),
    },
    { "preference-applied": `odata.maxpagesize=${maxPage}` },
  );
}

function select(entity: Record<string, unknown>, fields: string | null): Record<string, unknown> {
  if (!fields) return entity;
  const wanted = new Set(["@odata.etag", ...fields.split(",").map((field) => field.trim())]);
  return Object.fromEntries(Object.entries(entity).filter(([key]) => wanted.has(key)));
}

const newEtag = () => `W/"${randomBytes(9).toString("base64")}"`;

/** Business Central confirms a notification URL by POSTing a token it must echo back. */
async function validateEndpoint(url: string): Promise<boolean> {
  const token = randomBytes(12).toString("hex");
  try {
    const target = new URL(url);
    target.searchParams.set("validationToken", token);
    const response = await fetch(target, { method: "POST", signal: AbortSignal.timeout(5_000) });
    return response.ok && (await response.text()).trim() === token;
  } catch {
    return false;
  }
}

async function subscriptionsRoute(store: SimStore, request: SimRequest, id: string | undefined): Promise<SimResponse> {
  const all = subscriptions(store);
  if (!id && request.method === "GET") return json(200, { value: [...all.values()] });
  if (!id && request.method === "POST") {
    const body = (parseJson(request.body) ?? {}) as Partial<Subscription>;
    const resource = String(body.resource ?? "").replace(/^\/?/, "/");
    if (!body.notificationUrl || resource !== `/api/v2.0/companies(${bcCompanyId(store)})/items`)
      return odataError(400, "BadRequest", "notificationUrl and a supported resource are required.");
    if (store.controls.validateSubscriptions && !(await validateEndpoint(body.notificationUrl))) {
      return odataError(400, "BadRequest", "The notification URL did not echo the validation token.");
    }
    const now = new Date();
    const subscription: Subscription = {
      subscriptionId: randomBytes(16).toString("hex"),
      notificationUrl: body.notificationUrl,
      resource,
      clientState: body.clientState ?? "",
      expirationDateTime: new Date(now.getTime() + SUBSCRIPTION_LIFETIME_MS).toISOString(),
      lastModifiedDateTime: now.toISOString(),
      "@odata.etag": newEtag(),
    };
    all.set(subscription.subscriptionId, subscription);
    return json(201, subscription);
  }
  const existing = id ? all.get(id) : undefined;
  if (!existing) return odataError(404, "BadRequest_ResourceNotFound", "The subscription does not exist.");
  const ifMatch = header(request, "if-match");
  if (ifMatch !== "*" && ifMatch !== existing["@odata.etag"])
    return odataError(412, "Request_EntityChanged", "Another user has already changed the record.");
  if (request.method === "DELETE") {
    all.delete(existing.subscriptionId);
    return { status: 204 };
  }
  if (request.method !== "PATCH") return odataError(405, "BadRequest_MethodNotAllowed", "Method not allowed.");
  const patch = (parseJson(request.body) ?? {}) as Partial<Subscription>;
  const now = new Date();
  const renewed: Subscription = {
    ...existing,
    notificationUrl: patch.notificationUrl ?? existing.notificationUrl,
    clientState: patch.clientState ?? existing.clientState,
    expirationDateTime: new Date(now.getTime() + SUBSCRIPTION_LIFETIME_MS).toISOString(),
    lastModifiedDateTime: now.toISOString(),
    "@odata.etag": newEtag(),
  };
  all.set(existing.subscriptionId, renewed);
  return json(200, renewed);
}

export const businessCentralSim: ProviderSim = {
  provider: "bc",
  windowed: true,
  route(segments) {
    const [first, tenant, environment, api, version, ...rest] = segments;
    if (first === "v2.0" && tenant && environment && api === "api" && version === "v2.0") {
      return {
        storeId: tenant,
        path: `/${environment}/${rest.join("/")}`,
        prefix: `/bc/v2.0/${tenant}/${environment}/api/v2.0`,
      };
    }
    const [oauth, oauthVersion, token] = segments.slice(1);
    if (first && oauth === "oauth2" && oauthVersion === "v2.0" && token === "token")
      return { storeId: first, path: "/oauth2/v2.0/token", prefix: `/bc/${first}` };
    return undefined;
  },
  isPublic: (request) => request.path === "/oauth2/v2.0/token",
  authorize(store, request) {
    const token = bearer(request);
    if (!token) return false;
    const expiresAt = tokens(store).get(token);
    return token === store.credentials.token || (expiresAt !== undefined && expiresAt > Date.now());
  },
  unauthorized: () =>
    odataError(401, "Authentication_InvalidCredentials", "The server has rejected the client credentials."),
  unknownStore: () => odataError(404, "Unknown_Tenant", "The tenant was not found."),

  async handle(store, request) {
    if (request.path === "/oauth2/v2.0/token") {
      return request.method === "POST"
        ? { kind: "bc:token", response: issueToken(store, request.body) }
        : { kind: "bc:unknown", response: { status: 405 } };
    }
    const [, environment = "", ...rest] = request.path.split("/");
    const path = `/${rest.join("/")}`;
    if (environment !== BC_ENVIRONMENT)
      return {
        kind: "bc:unknown",
        response: odataError(404, "NoEnvironment", `Environment '${environment}' does not exist.`),
      };
    const company = {
      id: bcCompanyId(store),
      systemVersion: "25.0",
      timestamp: 1,
      name: `SIM-${store.id}`,
      displayName: `Simulated ${store.id}`,
      businessProfileId: "",
    };
    const companyPath = `/companies(${company.id})`;
    const subscription = /^\/subscriptions(?:\('([^']+)'\))?$/.exec(path);
    if (subscription)
      return {
        kind: `bc:subscriptions.${request.method.toLowerCase()}`,
        response: await subscriptionsRoute(store, request, subscription[1]),
      };
    if (request.method !== "GET")
      return { kind: "bc:unknown", response: odataError(405, "BadRequest_MethodNotAllowed", "Method not allowed.") };
    if (path === "/companies") return { kind: "bc:companies.list", response: json(200, { value: [company] }) };
    if (!path.startsWith(companyPath))
      return {
        kind: "bc:unknown",
        response: odataError(404, "BadRequest_ResourceNotFound", "Resource not found for the segment 'companies'."),
      };
    const below = path.slice(companyPath.length);
    if (below === "") return { kind: "bc:companies.get", response: json(200, company) };
    if (below === "/items") return { kind: "bc:items.list", response: listItems(store, request, companyPath) };
    const one = /^\/items\(([^)]+)\)$/.exec(below);
    const item = one ? itemByGuid(store, one[1] ?? "") : undefined;
    if (item)
      return { kind: "bc:items.get", response: json(200, select(bcItem(store, item), request.query.get("$select"))) };
    return {
      kind: "bc:unknown",
      response: odataError(404, "BadRequest_ResourceNotFound", "Resource not found for the segment 'items'."),
    };
  },

  webhook(store, item, { secret, targetUrl }) {
    const subscription = [...subscriptions(store).values()].find(
      (candidate) => candidate.notificationUrl === targetUrl,
    );
    const payload: BcNotification = {
      value: [
        {
          subscriptionId: subscription?.subscriptionId ?? `sim-${store.id}`,
          // Business Central does not sign notifications; the clientState is the shared secret.
          clientState: secret,
          expirationDateTime:
            subscription?.expirationDateTime ?? new Date(Date.now() + SUBSCRIPTION_LIFETIME_MS).toISOString(),
          resource: `api/v2.0/companies(${bcCompanyId(store)})/items(${bcItemId(store, item.index)})`,
          changeType: "updated",
          lastModifiedDateTime: item.updatedAt.toISOString(),
        },
      ],
    };
    return { body: JSON.stringify(payload), headers: {} };
  },
};
