import { configuredKeyring } from "@/server/crypto/secret-store";
import { open, seal, type Keyring } from "@/server/crypto/secret-box";
import type { TenantDb } from "@/server/tenancy/tenant-db";
import { isNotifiableKind, NOTIFIABLE_KINDS, type NotifiableKind } from "./kinds";

/**
 * A tenant's notification settings. No row means the defaults: email on, every kind on, no Slack.
 * The Slack URL is a secret (whoever holds it can post to the channel): it is sealed by the secret
 * box, bound to the tenant and the settings row, and the dashboard only ever sees `slackHint`.
 */
export interface NotificationSettings {
  emailEnabled: boolean;
  mutedKinds: NotifiableKind[];
  slack: { hint: string } | null;
}

const settingsSelect = { id: true, emailEnabled: true, mutedKinds: true, slackHint: true } as const;

type SettingsDb = Pick<TenantDb, "tenantId" | "notificationSetting">;

export async function readSettings(db: SettingsDb): Promise<NotificationSettings> {
  const row = await db.notificationSetting.findFirst({ select: settingsSelect });
  return {
    emailEnabled: row?.emailEnabled ?? true,
    mutedKinds: (row?.mutedKinds ?? []).filter(isNotifiableKind),
    slack: row?.slackHint ? { hint: row.slackHint } : null,
  };
}

export function notifies(settings: Pick<NotificationSettings, "mutedKinds">, kind: string): boolean {
  return isNotifiableKind(kind) && !settings.mutedKinds.includes(kind);
}

async function settingsRowId(db: SettingsDb): Promise<string> {
  const row = await db.notificationSetting.upsert({
    where: { tenantId: db.tenantId },
    create: { tenantId: db.tenantId },
    update: {},
    select: { id: true },
  });
  return row.id;
}

export async function savePreferences(
  db: SettingsDb,
  input: { emailEnabled: boolean; enabledKinds: NotifiableKind[] },
): Promise<NotificationSettings> {
  const mutedKinds = NOTIFIABLE_KINDS.map((entry) => entry.kind).filter((kind) => !input.enabledKinds.includes(kind));
  await db.notificationSetting.upsert({
    where: { tenantId: db.tenantId },
    create: { tenantId: db.tenantId, emailEnabled: input.emailEnabled, mutedKinds },
    update: { emailEnabled: input.emailEnabled, mutedKinds },
  });
  return readSettings(db);
}

/** `hooks.slack.com … 4f2a`: enough to recognise the URL, not enough to post to it. */
export function slackHint(url: URL): string {
  return `${url.host} … ${url.toString().slice(-4)}`;
}

/** Stores (or replaces) the Slack URL; the caller has already checked it against the outbound rules. */
export async function saveSlackUrl(db: SettingsDb, url: URL, keyring: Keyring = configuredKeyring()): Promise<string> {
  const id = await settingsRowId(db);
  const sealed = seal(keyring, url.toString(), { tenantId: db.tenantId, secretId: id });
  const hint = slackHint(url);
  await db.notificationSetting.update({
    where: { id },
    data: {
      slackKeyId: sealed.keyId,
      slackIv: Buffer.from(sealed.iv),
      slackCiphertext: Buffer.from(sealed.ciphertext),
      slackAuthTag: Buffer.from(sealed.authTag),
      slackHint: hint,
    },
  });
  return hint;
}

export async function removeSlackUrl(db: SettingsDb): Promise<void> {
  await db.notificationSetting.updateMany({
    data: { slackKeyId: null, slackIv: null, slackCiphertext: null, slackAuthTag: null, slackHint: null },
  });
}

/** The Slack URL's plaintext, for the server-side sender only; null when none is set. */
export async function revealSlackUrl(db: SettingsDb, keyring: Keyring = configuredKeyring()): Promise<string | null> {
  const row = await db.notificationSetting.findFirst({
    select: { id: true, slackKeyId: true, slackIv: true, slackCiphertext: true, slackAuthTag: true },
  });
  if (!row?.slackKeyId || !row.slackIv || !row.slackCiphertext || !row.slackAuthTag) return null;
  return open(
    keyring,
    { keyId: row.slackKeyId, iv: row.slackIv, ciphertext: row.slackCiphertext, authTag: row.slackAuthTag },
    { tenantId: db.tenantId, secretId: row.id },
  );
}
