export {
  PROVIDER_GUIDES,
  SCHEDULE_LABELS,
  type CredentialField,
  type Direction,
  type GuidedProvider,
  type ProviderGuide,
} from "@/shared/provider-guides";

export function webhookUrl(appUrl: string, tenantSlug: string, connectionId: string): string {
  return `${appUrl.replace(/\/$/, "")}/api/webhooks/${tenantSlug}/${connectionId}`;
}
