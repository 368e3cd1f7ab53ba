import { test as base } from "vitest";
import { createTenantFixture } from "./fixtures";
import { createTestDatabase } from "./test-database";

/**
 * `test` with a fresh, migrated database per test file and two tenants in it, each with one row
 * of every kind of tenant data: the setup most database tests start from. All three are made once
 * per file, on first use (a test or `test.beforeAll` that names them), and the database is
 * dropped when the file ends. Tests share them, so a test that changes a row another test reads
 * makes its own rows instead.
 *
 *   test("…", async ({ prisma, tenantA, tenantB }) => { … });
 *   test.beforeAll(async ({ prisma, tenantA }) => { extra rows the file needs });
 */
export const test = base
  .extend("database", { scope: "file" }, async ({}, { onCleanup }) => {
    const database = await createTestDatabase();
    onCleanup(() => database.close());
    return database;
  })
  .extend("prisma", { scope: "file" }, ({ database }) => database.prisma)
  .extend("tenantA", { scope: "file" }, ({ prisma }) => createTenantFixture(prisma, "a"))
  .extend("tenantB", { scope: "file" }, ({ prisma }) => createTenantFixture(prisma, "b"));

export const it = test;
