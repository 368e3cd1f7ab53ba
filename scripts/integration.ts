// npm run test:integration — the durable pipeline against the real Inngest server, a production
// build of the app and PostgreSQL. Needs DATABASE_URL (a PostgreSQL server), a build, and an
// Inngest binary (npm run inngest:install); says exactly which is missing otherwise. Arguments
// go to Vitest, e.g. a file filter: npm run test:integration -- integration/storefront.test.ts
import { runStackProject } from "./lib/stack-project";

await runStackProject("integration", "the integration tests");
