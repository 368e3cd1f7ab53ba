"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, loggerLink } from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { useState } from "react";
import superjson from "superjson";
import type { AppRouter } from "@/server/api/root";
import { tenantSlugFromPath } from "./tenant-slug";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/**
 * Pages fetch on the server through the tRPC caller (src/trpc/server.ts) and hand plain props to
 * client components, which query again in the browser; nothing is prefetched into this cache on
 * the server, so it has no dehydrate/hydrate settings.
 */
function createQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 15 * 1000,
        retry: (count, error) => count < 2 && !/FORBIDDEN|NOT_FOUND|UNAUTHORIZED/.test(String(error)),
      },
    },
  });
}

let browserQueryClient: QueryClient | undefined;

function getQueryClient() {
  if (typeof window === "undefined") return createQueryClient();
  browserQueryClient ??= createQueryClient();
  return browserQueryClient;
}

export function TRPCReactProvider({ children }: { children: React.ReactNode }) {
  const queryClient = getQueryClient();
  const [trpcClient] = useState(() =>
    createTRPCClient<AppRouter>({
      links: [
        loggerLink({
          enabled: (op) =>
            // Next.js replaces process.env.NODE_ENV in browser bundles at build time; env() is server-only.
            // eslint-disable-next-line no-restricted-properties
            process.env.NODE_ENV === "development" && op.direction === "down" && op.result instanceof Error,
        }),
        httpBatchLink({
          transformer: superjson,
          url: "/api/trpc",
          headers() {
            const slug = tenantSlugFromPath(window.location.pathname);
            return slug ? { "x-stockhook-tenant": slug } : {};
          },
        }),
      ],
    }),
  );
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        {children}
      </TRPCProvider>
    </QueryClientProvider>
  );
}
