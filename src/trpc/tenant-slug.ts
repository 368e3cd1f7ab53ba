/** The tenant a dashboard URL names: /t/{slug}/… */
export function tenantSlugFromPath(pathname: string): string | undefined {
  const match = /^\/t\/([^/]+)/.exec(pathname);
  return match?.[1] ? decodeURIComponent(match[1]) : undefined;
}
