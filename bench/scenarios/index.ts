import type { Scenario } from "../types";
import { webhookAck } from "./webhook-ack";

/** In the order `npm run bench` runs them. */
export const scenarios: Scenario[] = [webhookAck];
