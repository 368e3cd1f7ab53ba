// npm run test:reliability — the reliability suite (reliability/): the real stack, broken on
// purpose (kill -9, Inngest and database outages, storefront outages, duplicate storms, bad
// input, a secrets scan). RELIABILITY_SHORT=1 shortens outages and loads (as CI runs it). Needs
// what the integration tests need, and says exactly what is missing otherwise.
import { runStackProject } from "./lib/stack-project";

await runStackProject("reliability", "the reliability suite");
