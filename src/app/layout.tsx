import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { env } from "@/env";
import { TRPCReactProvider } from "@/trpc/react";
import "./globals.css";

const description = "Webhook-first stock sync for galleries, stores and ERP sites.";

// A function, not a constant: the Open Graph image needs an absolute URL, and APP_URL is read per
// request like every other setting (the build has no deployment's environment).
export function generateMetadata(): Metadata {
  return {
    metadataBase: new URL(env().APP_URL),
    title: { default: "Stockhook", template: "%s · Stockhook" },
    description,
    icons: {
      icon: [
        { url: "/favicon.ico", sizes: "32x32" },
        { url: "/icon.svg", type: "image/svg+xml" },
      ],
      apple: "/apple-touch-icon.png",
    },
    openGraph: {
      type: "website",
      siteName: "Stockhook",
      title: "Stockhook",
      description,
      images: [{ url: "/og-image.png", width: 1200, height: 630, alt: "Stockhook — " + description }],
    },
    twitter: { card: "summary_large_image", images: ["/og-image.png"] },
  };
}

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request: its scripts carry that request's CSP nonce (src/proxy.ts).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-ink antialiased">
        <TRPCReactProvider>{children}</TRPCReactProvider>
      </body>
    </html>
  );
}
