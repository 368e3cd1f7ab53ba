import { describe, expect, it } from "vitest";
import { openPGlite, PGliteAdapterFactory } from "@/server/database-adapter";
import { applyPendingMigrations, diffHistoryToSchema, loadMigrationList } from "./schema-engine";

describe("migration history", () => {
  it("reproduces schema.prisma exactly (the diff is empty)", async () => {
    expect(await diffHistoryToSchema()).toBe("");
  });

  it("applies every migration once and records it like `prisma migrate deploy`", async () => {
    const pglite = openPGlite();
    try {
      const factory = new PGliteAdapterFactory(pglite);
      const all = (await loadMigrationList()).migrationDirectories.map((m) => m.path);
      expect(await applyPendingMigrations(factory)).toEqual(all);
      expect(await applyPendingMigrations(factory)).toEqual([]);
      const { rows } = await pglite.query<{ migration_name: string; finished_at: Date | null; checksum: string }>(
        "select migration_name, finished_at, checksum from _prisma_migrations order by migration_name",
      );
      expect(rows.map((r) => r.migration_name)).toEqual(all);
      for (const row of rows) {
        expect(row.finished_at).not.toBeNull();
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
      }
    } finally {
      await pglite.close();
    }
  });
});
