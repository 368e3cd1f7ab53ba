import { z } from "zod";
import { env } from "@/env";
import { createTRPCRouter, tenantAdminProcedure } from "@/server/api/trpc";
import { defaultDeps, sendTestNotification } from "@/server/notifications/deliveries";
import { consumeTestNotification } from "@/server/notifications/test-limit";
import { NOTIFIABLE_KINDS } from "@/server/notifications/kinds";
import { readSettings, removeSlackUrl, savePreferences, saveSlackUrl } from "@/server/notifications/settings";
import { checkUrlForSaving, urlPolicyFromEnv } from "@/server/network/url-safety";

/**
 * A tenant's alert notifications (src/server/notifications): which kinds are sent, email on or
 * off, and a Slack-compatible incoming-webhook URL. Owners and admins only; every change is audited.
 * The Slack URL is write-only: after saving, the dashboard sees its host and last four characters.
 */
const kindValues = NOTIFIABLE_KINDS.map((entry) => entry.kind) as [
  (typeof NOTIFIABLE_KINDS)[number]["kind"],
  ...(typeof NOTIFIABLE_KINDS)[number]["kind"][],
];

function describe(settings: Awaited<ReturnType<typeof readSettings>>) {
  return {
    emailEnabled: settings.emailEnabled,
    slack: settings.slack,
    kinds: NOTIFIABLE_KINDS.map((entry) => ({ ...entry, enabled: !settings.mutedKinds.includes(entry.kind) })),
  };
}

export const notificationsRouter = createTRPCRouter({
  settings: tenantAdminProcedure.query(async ({ ctx }) => describe(await readSettings(ctx.db))),

  update: tenantAdminProcedure
    .input(z.object({ emailEnabled: z.boolean(), enabledKinds: z.array(z.enum(kindValues)) }))
    .mutation(async ({ ctx, input }) => {
      const before = await readSettings(ctx.db);
      const after = await savePreferences(ctx.db, input);
      await ctx.audit({
        action: "notifications.updated",
        target: `tenant:${ctx.tenant.id}`,
        summary: {
          before: { emailEnabled: before.emailEnabled, mutedKinds: before.mutedKinds },
          after: { emailEnabled: after.emailEnabled, mutedKinds: after.mutedKinds },
        },
      });
      return describe(after);
    }),

  /** Sets or replaces the Slack URL, after the same address checks every send makes again. */
  setSlackUrl: tenantAdminProcedure
    .input(
      z.object({
        url: z.string().trim().min(1, "Paste the incoming-webhook URL").max(2000, "That URL is too long"),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const url = await checkUrlForSaving(input.url, urlPolicyFromEnv(env()));
      const before = await readSettings(ctx.db);
      const hint = await saveSlackUrl(ctx.db, url);
      await ctx.audit({
        action: before.slack ? "notifications.slack_replaced" : "notifications.slack_set",
        target: `tenant:${ctx.tenant.id}`,
        summary: { before: before.slack?.hint ?? null, after: hint },
      });
      return describe(await readSettings(ctx.db));
    }),

  removeSlackUrl: tenantAdminProcedure.mutation(async ({ ctx }) => {
    const before = await readSettings(ctx.db);
    await removeSlackUrl(ctx.db);
    if (before.slack)
      await ctx.audit({
        action: "notifications.slack_removed",
        target: `tenant:${ctx.tenant.id}`,
        summary: { before: before.slack.hint },
      });
    return describe(await readSettings(ctx.db));
  }),

  /** Really sends: email to the person asking (if email is on) and a post to the Slack URL (if set). */
  sendTest: tenantAdminProcedure.mutation(async ({ ctx }) => {
    await consumeTestNotification(ctx.prisma, ctx.tenant.id);
    const outcome = await sendTestNotification(ctx.prisma, ctx.tenant.id, ctx.user.id, {
      ...defaultDeps(),
      mailer: ctx.mailer,
    });
    await ctx.audit({
      action: "notifications.test_sent",
      target: `tenant:${ctx.tenant.id}`,
      summary: { email: { ...outcome.email }, slack: { ...outcome.slack } },
    });
    return outcome;
  }),
});
