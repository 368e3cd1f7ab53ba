import type { NextConfig } from "next";

const config: NextConfig = {
  // PGlite ships its Postgres as WASM + data files it loads from its own package folder.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/schema-engine-wasm"],
  poweredByHeader: false,
};

export default config;
