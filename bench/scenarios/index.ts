import type { Scenario } from "../types";
import { saleToStorefront } from "./sale-to-storefront";
import { webhookAck } from "./webhook-ack";
import { burst } from "./burst";
import { reconcile } from "./reconcile";
import { dashboard } from "./dashboard";
import { storefrontOutage } from "./storefront-outage";
import { quietTenant } from "./quiet-tenant";
import { pages } from "./pages";

/** In the order `npm run bench` runs them. */
export const scenarios: Scenario[] = [
  webhookAck,
  saleToStorefront,
  storefrontOutage,
  burst,
  quietTenant,
  reconcile,
  dashboard,
  pages,
];
