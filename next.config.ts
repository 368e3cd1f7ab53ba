import type { NextConfig } from "next";
import { staticSecurityHeaders } from "./src/server/security/headers";

const config: NextConfig = {
  // PGlite ships its Postgres as WASM + data files it loads from its own package folder.
  serverExternalPackages: ["@electric-sql/pglite", "pglite-prisma-adapter", "@prisma/schema-engine-wasm"],
  poweredByHeader: false,
  // Every response; the pages' Content-Security-Policy (with its per-request nonce) comes from src/proxy.ts.
  async headers() {
    return [{ source: "/:path*", headers: staticSecurityHeaders(process.env.NODE_ENV === "production") }];
  },
};

export default config;
